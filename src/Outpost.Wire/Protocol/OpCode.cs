namespace Outpost.Wire.Protocol;

/// <summary>The opCodes of the MongoDB wire protocol message header.</summary>
public enum OpCode
{
    /// <summary>Legacy reply to <see cref="Query"/>; still used for the pre-handshake <c>isMaster</c>.</summary>
    Reply = 1,
    /// <summary>Legacy query; drivers use it only for the first <c>isMaster</c> on <c>admin.$cmd</c>.</summary>
    Query = 2004,
    /// <summary>A message wrapped by a compressor.</summary>
    Compressed = 2012,
    /// <summary>The extensible message format every modern command uses.</summary>
    Msg = 2013,
}
