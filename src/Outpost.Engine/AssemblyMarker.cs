// Placeholder so the project builds before its first type lands.
namespace Outpost.Engine;

internal static class AssemblyMarker
{
}
