using System.Security.Cryptography;
using System.Text;

namespace MarketDelivery.Domain.Orders;

/// <summary>
/// Order and ticket identifiers. An order placed with an idempotency key gets an id derived from the customer
/// and the key, so a retry reaches the same order grain, which remembers it durably, also across restarts.
/// </summary>
public static class OrderIds
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private const string TicketSeparator = "-t";

    public static string FromIdempotencyKey(string customerId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}"));
        return "o-" + Encode(hash.AsSpan(0, 10));
    }

    public static string NewRandom() => "o-" + Encode(RandomNumberGenerator.GetBytes(10));

    public static string TicketId(string orderId, int ticketNo) => $"{orderId}{TicketSeparator}{ticketNo}";

    /// <summary>The order a ticket belongs to, or null when the text is not a ticket id.</summary>
    public static string? OrderIdOfTicket(string ticketId)
    {
        var at = ticketId.LastIndexOf(TicketSeparator, StringComparison.Ordinal);
        if (at <= 2 || !ticketId.StartsWith("o-", StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(ticketId.AsSpan(at + TicketSeparator.Length), out var no) && no > 0 ? ticketId[..at] : null;
    }

    public static bool LooksLikeOrderId(string text) =>
        text.Length == 18 && text.StartsWith("o-", StringComparison.Ordinal) && text[2..].All(Alphabet.Contains);

    // 10 bytes = 80 bits = 16 characters of a 32-letter alphabet without look-alikes (l, o, 0, 1).
    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(16);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        return sb.ToString();
    }
}
