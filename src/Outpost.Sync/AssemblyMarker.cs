// Placeholder so the project builds before its first type lands.
namespace Outpost.Sync;

internal static class AssemblyMarker
{
}
