using System.Text;

namespace Outpost.Wire.Tests.Support;

/// <summary>Hand-built BSON for transport tests that must not depend on the codec.</summary>
public static class RawBson
{
    public static byte[] Int32Doc(string name, int value)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        byte[] key = Encoding.UTF8.GetBytes(name);
        w.Write(4 + 1 + key.Length + 1 + 4 + 1);
        w.Write((byte)0x10);
        w.Write(key);
        w.Write((byte)0);
        w.Write(value);
        w.Write((byte)0);
        return ms.ToArray();
    }
}
