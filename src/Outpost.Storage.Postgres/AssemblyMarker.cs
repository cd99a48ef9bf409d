// Placeholder so the project builds before its first type lands.
namespace Outpost.Storage.Postgres;

internal static class AssemblyMarker
{
}
