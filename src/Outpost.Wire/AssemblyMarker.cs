// Placeholder so the project builds before its first type lands.
namespace Outpost.Wire;

internal static class AssemblyMarker
{
}
