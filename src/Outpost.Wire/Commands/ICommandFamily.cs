namespace Outpost.Wire.Commands;

/// <summary>A group of related commands (handshake, diagnostics, CRUD, …) registered together.</summary>
public interface ICommandFamily
{
    /// <summary>Adds the family's commands to <paramref name="registry"/>.</summary>
    void Register(CommandRegistry registry);
}
