using Outpost.Bson;

namespace Shopfloor.Security;

/// <summary>
/// Where an encrypted value lives. It is authenticated as AES-GCM associated data, so a ciphertext copied to
/// another document, field or collection fails to decrypt instead of silently showing the wrong data.
/// </summary>
public sealed record EncryptedFieldContext(string Collection, BsonValue DocumentId, string FieldPath);
