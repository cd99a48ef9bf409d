// Placeholder so the project builds before its first type lands.
namespace Outpost.Query;

internal static class AssemblyMarker
{
}
