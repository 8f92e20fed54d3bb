using System.Security.Cryptography;
using System.Text;

namespace MarketDelivery.Grains.Accounts;

/// <summary>One signed-in device: its refresh token's hash, the hash before the last rotation, and its expiry.</summary>
[GenerateSerializer, Alias("md.SessionRecord")]
public sealed class SessionRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public byte[] SecretHash { get; set; } = [];
    [Id(2)] public byte[]? PreviousHash { get; set; }
    [Id(3)] public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// Refresh-token sessions of one account, at most <see cref="AccountOptions.MaxSessions"/> (expired ones are pruned,
/// the oldest dropped), so the state does not grow with use. Secrets are random; only their SHA-256 is kept.
/// A rotated-away secret presented again means the token was copied: the session is revoked.
/// </summary>
internal static class SessionBook
{
    public static (string SessionId, string Secret, DateTimeOffset Expires) Open(List<SessionRecord> sessions, AccountOptions options, DateTimeOffset now)
    {
        sessions.RemoveAll(s => s.ExpiresAt <= now);
        while (sessions.Count >= Math.Max(1, options.MaxSessions))
        {
            sessions.Remove(sessions.MinBy(s => s.ExpiresAt)!);
        }

        var secret = NewSecret();
        var session = new SessionRecord { Id = NewSessionId(), SecretHash = Hash(secret), ExpiresAt = now + options.RefreshLifetime };
        sessions.Add(session);
        return (session.Id, secret, session.ExpiresAt);
    }

    public enum Outcome
    {
        Unknown,
        Rotated,
        Reused,
    }

    /// <summary>Rotates a session's secret when <paramref name="secret"/> is its current one.</summary>
    public static (Outcome Outcome, string? NewSecret, DateTimeOffset Expires) Rotate(List<SessionRecord> sessions, string sessionId, string secret, AccountOptions options, DateTimeOffset now)
    {
        var session = sessions.Find(s => s.Id == sessionId);
        if (session is null || session.ExpiresAt <= now)
        {
            return (Outcome.Unknown, null, default);
        }

        var hash = Hash(secret);
        if (!CryptographicOperations.FixedTimeEquals(hash, session.SecretHash))
        {
            if (session.PreviousHash is not null && CryptographicOperations.FixedTimeEquals(hash, session.PreviousHash))
            {
                sessions.Remove(session);
                return (Outcome.Reused, null, default);
            }

            return (Outcome.Unknown, null, default);
        }

        var next = NewSecret();
        session.PreviousHash = session.SecretHash;
        session.SecretHash = Hash(next);
        session.ExpiresAt = now + options.RefreshLifetime;
        return (Outcome.Rotated, next, session.ExpiresAt);
    }

    /// <summary>Removes a session when <paramref name="secret"/> is its current secret.</summary>
    public static bool Close(List<SessionRecord> sessions, string sessionId, string secret)
    {
        var session = sessions.Find(s => s.Id == sessionId);
        if (session is null || !CryptographicOperations.FixedTimeEquals(Hash(secret), session.SecretHash))
        {
            return false;
        }

        sessions.Remove(session);
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
