using System.Buffers.Binary;

namespace Outpost.Bson.Keys;

/// <summary>Walks an encoded key to find where one value ends (inverting bytes on the fly for descending fields).</summary>
internal ref struct KeyReader
{
    private readonly ReadOnlySpan<byte> _key;
    private readonly byte _mask;

    internal KeyReader(ReadOnlySpan<byte> key, bool descending)
    {
        _key = key;
        _mask = descending ? (byte)0xFF : (byte)0;
        Position = 0;
    }

    internal int Position { get; private set; }

    internal void SkipValue()
    {
        byte tag = Next();
        switch (tag)
        {
            case KeyTags.MinKey:
            case KeyTags.MaxKey:
            case KeyTags.Null:
            case KeyTags.NaN:
            case KeyTags.NegativeInfinity:
            case KeyTags.Zero:
            case KeyTags.PositiveInfinity:
            case KeyTags.False:
            case KeyTags.True:
                return;
            case KeyTags.Positive:
                Skip(2);
                while (Next() != KeyTags.End)
                {
                }

                return;
            case KeyTags.Negative:
                Skip(2);
                while (Next() != 0xFF)
                {
                }

                return;
            case KeyTags.String:
            case KeyTags.JavaScript:
                SkipString();
                return;
            case KeyTags.Document:
                SkipDocumentBody();
                return;
            case KeyTags.Array:
                while (Peek() != KeyTags.End)
                {
                    SkipValue();
                }

                Position++;
                return;
            case KeyTags.Binary:
            {
                Span<byte> length = stackalloc byte[4];
                for (int i = 0; i < 4; i++)
                {
                    length[i] = Next();
                }

                uint n = BinaryPrimitives.ReadUInt32BigEndian(length);
                if (n > (uint)(_key.Length - Position - 1))
                {
                    throw Malformed();
                }

                Skip(1 + (int)n);
                return;
            }

            case KeyTags.ObjectId:
                Skip(12);
                return;
            case KeyTags.DateTime:
            case KeyTags.Timestamp:
                Skip(8);
                return;
            case KeyTags.RegularExpression:
                SkipString();
                SkipString();
                return;
            case KeyTags.DBPointer:
                SkipString();
                Skip(12);
                return;
            case KeyTags.JavaScriptWithScope:
                SkipString();
                SkipDocumentBody();
                return;
            default:
                throw Malformed();
        }
    }

    private void SkipDocumentBody()
    {
        while (Next() != KeyTags.End)
        {
            SkipString();
            SkipValue();
        }
    }

    private void SkipString()
    {
        while (true)
        {
            if (Next() == 0x00)
            {
                byte after = Next();
                if (after == 0x01)
                {
                    return;
                }

                if (after != 0xFF)
                {
                    throw Malformed();
                }
            }
        }
    }

    private byte Next()
    {
        if (Position >= _key.Length)
        {
            throw Malformed();
        }

        return (byte)(_key[Position++] ^ _mask);
    }

    private readonly byte Peek() => Position < _key.Length ? (byte)(_key[Position] ^ _mask) : throw Malformed();

    private void Skip(int count)
    {
        if (count > _key.Length - Position)
        {
            throw Malformed();
        }

        Position += count;
    }

    private readonly FormatException Malformed() => new($"Malformed encoded key at byte {Position}.");
}
