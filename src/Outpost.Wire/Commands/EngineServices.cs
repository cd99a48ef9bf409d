using Outpost.Engine;
using Outpost.Wire.Cursors;
using Outpost.Wire.Sessions;

namespace Outpost.Wire.Commands;

/// <summary>What the engine-backed command families share: the engine, the cursor table and the session table.</summary>
/// <param name="Engine">The database engine.</param>
/// <param name="Cursors">Open cursors.</param>
/// <param name="Sessions">Logical sessions.</param>
public sealed record EngineServices(OutpostEngine Engine, CursorTable Cursors, SessionTable Sessions);
