using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MarketDelivery.Testing;

/// <summary>Real, decodable images made in the test (no files checked in): what a courier's phone would upload.</summary>
public static class TestImages
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// A valid PNG (8-bit RGB, no interlace) of <paramref name="width"/> × <paramref name="height"/> pixels, a colour
    /// gradient seeded by <paramref name="seed"/>; each chunk carries its CRC-32 and the pixels are zlib-compressed.
    /// </summary>
    public static byte[] Png(int width, int height, int seed = 0)
    {
        var raw = new byte[height * (1 + (3 * width))];
        var i = 0;
        for (var y = 0; y < height; y++)
        {
            raw[i++] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                raw[i++] = (byte)((x * 7) + seed);
                raw[i++] = (byte)((y * 5) + seed);
                raw[i++] = (byte)((x ^ y) + seed);
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Exactly <paramref name="length"/> bytes that start as a PNG: for size limits, where only the length matters.</summary>
    public static byte[] PngOfLength(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var png = Png(1, 1);
        png.AsSpan(0, Math.Min(png.Length, length)).CopyTo(bytes);
        return bytes;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        png.Write(four);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typeAndData));
        png.Write(four);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
