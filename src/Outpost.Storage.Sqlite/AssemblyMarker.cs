// Placeholder so the project builds before its first type lands.
namespace Outpost.Storage.Sqlite;

internal static class AssemblyMarker
{
}
