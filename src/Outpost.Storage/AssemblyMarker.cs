// Placeholder so the project builds before its first type lands.
namespace Outpost.Storage;

internal static class AssemblyMarker
{
}
