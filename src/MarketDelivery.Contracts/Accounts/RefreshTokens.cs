using System.Buffers.Text;
using System.Text;

namespace MarketDelivery.Contracts.Accounts;

/// <summary>
/// The shape of a refresh token: <c>{kind}.{account key, base64url}.{session id}.{secret}</c>. The first two parts
/// say which grain holds the session, so a refresh needs no index; the secret is random and only its hash is kept.
/// </summary>
public static class RefreshTokens
{
    public const string StaffKind = "s";
    public const string CustomerKind = "c";

    public static string Format(string kind, string accountKey, string sessionId, string secret) =>
        $"{kind}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(accountKey))}.{sessionId}.{secret}";

    /// <summary>Splits a token into its parts; false for anything that is not one of ours.</summary>
    public static bool TryParse(string? token, out string kind, out string accountKey, out string sessionId, out string secret)
    {
        kind = accountKey = sessionId = secret = "";
        var parts = token?.Split('.');
        if (parts is not { Length: 4 } || parts[0] is not (StaffKind or CustomerKind) || parts.Any(p => p.Length is 0 or > 200))
        {
            return false;
        }

        try
        {
            accountKey = new UTF8Encoding(false, true).GetString(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        (kind, sessionId, secret) = (parts[0], parts[2], parts[3]);
        return accountKey.Length > 0;
    }
}
