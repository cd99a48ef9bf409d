using Outpost.Bson;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Sessions;

/// <summary>What the command layer remembers about one connection: client metadata, logins, SASL conversations.</summary>
public sealed class ConnectionState
{
    private readonly Dictionary<int, ScramConversation> _conversations = [];
    private int _nextConversationId;

    /// <summary>The handshake's <c>client</c> document.</summary>
    public BsonDocument? ClientMetadata { get; set; }

    /// <summary>client.application.name from the handshake (failpoints can target it).</summary>
    public string? AppName { get; set; }

    /// <summary>Users authenticated on this connection.</summary>
    public List<UserRecord> Users { get; } = [];

    /// <summary>All roles of the authenticated users.</summary>
    public IEnumerable<RoleGrant> Roles => Users.SelectMany(u => u.Roles);

    /// <summary>The authenticated users as one ordinal key ("db.user" sorted, newline-separated); null when none.</summary>
    public string? UsersKey()
    {
        if (Users.Count == 0) return null;
        var names = new List<string>(Users.Count);
        foreach (var user in Users) names.Add(user.Db + "." + user.User);
        names.Sort(StringComparer.Ordinal);
        return string.Join('\n', names);
    }

    /// <summary>Stores a SASL conversation and returns its id.</summary>
    public int AddConversation(ScramConversation conversation)
    {
        int id = ++_nextConversationId;
        _conversations[id] = conversation;
        return id;
    }

    /// <summary>Stores a conversation under an existing id (the optional final empty SASL step).</summary>
    public void AddConversationWithId(int id, ScramConversation conversation) => _conversations[id] = conversation;

    /// <summary>Looks up and removes a SASL conversation.</summary>
    public ScramConversation? TakeConversation(int id) => _conversations.Remove(id, out var c) ? c : null;

    /// <summary>Records a successful login, replacing an earlier login of the same user.</summary>
    public void AddUser(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        Users.RemoveAll(u => u.Db == user.Db && u.User == user.User);
        Users.Add(user);
    }
}
