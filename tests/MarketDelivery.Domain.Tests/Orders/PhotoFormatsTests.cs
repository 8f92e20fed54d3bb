using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Domain.Tests.Orders;

public sealed class PhotoFormatsTests
{
    public static TheoryData<byte[], string?> Samples => new()
    {
        { [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'], PhotoFormats.Jpeg },
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00], PhotoFormats.Png },
        { "RIFF\u0024\u0000\u0000\u0000WEBPVP8 "u8.ToArray(), PhotoFormats.WebP },
        { "RIFF\u0024\u0000\u0000\u0000WAVEfmt "u8.ToArray(), null },    // a RIFF, but sound
        { "GIF89a\u0001\u0000\u0001\u0000"u8.ToArray(), null },
        { "\u0089PNG is what this text says"u8.ToArray(), null },      // UTF-8 of U+0089 is C2 89, not 89
        { [0x89, 0x50, 0x4E, 0x47], null },                              // a PNG signature cut short
        { [0xFF, 0xD8], null },
        { [], null },
    };

    [Theory, MemberData(nameof(Samples))]
    public void A_photo_is_judged_by_its_first_bytes(byte[] content, string? expected) =>
        Assert.Equal(expected, PhotoFormats.Sniff(content));

    [Fact]
    public void A_photo_id_follows_the_content()
    {
        byte[] a = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1];
        byte[] b = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 2];
        Assert.Equal(PhotoFormats.PhotoId(a), PhotoFormats.PhotoId([.. a]));
        Assert.NotEqual(PhotoFormats.PhotoId(a), PhotoFormats.PhotoId(b));
        Assert.Matches("^ph-[0-9a-f]{24}$", PhotoFormats.PhotoId(a));
    }
}
