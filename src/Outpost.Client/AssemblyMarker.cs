// Placeholder so the project builds before its first type lands.
namespace Outpost.Client;

internal static class AssemblyMarker
{
}
