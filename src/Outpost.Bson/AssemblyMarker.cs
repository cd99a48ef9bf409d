// Placeholder so the project builds before its first type lands.
namespace Outpost.Bson;

internal static class AssemblyMarker
{
}
