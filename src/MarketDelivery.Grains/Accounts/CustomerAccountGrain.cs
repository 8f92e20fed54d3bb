using System.Globalization;
using System.Security.Cryptography;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Domain;

namespace MarketDelivery.Grains.Accounts;

[GenerateSerializer, Alias("md.CustomerAccountState")]
public sealed class CustomerAccountState
{
    /// <summary>Given at the first verified code, kept for good: orders carry it.</summary>
    [Id(0)] public string? CustomerId { get; set; }
    [Id(1)] public byte[]? CodeHash { get; set; }
    [Id(2)] public byte[]? CodeSalt { get; set; }
    [Id(3)] public DateTimeOffset CodeExpiresAt { get; set; }
    [Id(4)] public int CodeAttemptsLeft { get; set; }
    [Id(5)] public DateTimeOffset? CodeIssuedAt { get; set; }
    [Id(6)] public List<SessionRecord> Sessions { get; set; } = [];
}

/// <summary>
/// A customer signing in by phone: one pending six-digit code at a time (salted hash only), valid for
/// <see cref="AccountOptions.CodeLifetime"/>, used once, void after <see cref="AccountOptions.CodeAttempts"/> wrong guesses.
/// </summary>
public sealed class CustomerAccountGrain(
    [PersistentState("customer", "accounts")] IPersistentState<CustomerAccountState> state,
    AccountOptions options,
    MarketClock clock) : DurableGrain, ICustomerAccountGrain
{
    private CustomerAccountState S => state.State;

    public async Task<CodeIssued> RequestCode()
    {
        var now = clock.GetUtcNow();
        if (S.CodeIssuedAt is { } issued && issued + options.CodeResendAfter > now && S.CodeHash is not null)
        {
            return new CodeIssued(null, S.CodeExpiresAt, issued + options.CodeResendAfter - now);
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        S.CodeSalt = RandomNumberGenerator.GetBytes(16);
        S.CodeHash = Hash(S.CodeSalt, code);
        S.CodeIssuedAt = now;
        S.CodeExpiresAt = now + options.CodeLifetime;
        S.CodeAttemptsLeft = options.CodeAttempts;
        await WriteAsync(state);
        return new CodeIssued(code, S.CodeExpiresAt, null);
    }

    public async Task<SessionIssued?> VerifyCode(string code)
    {
        if (S.CodeHash is null || S.CodeSalt is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (S.CodeExpiresAt <= now)
        {
            ForgetCode();
            await WriteAsync(state);
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Hash(S.CodeSalt, code), S.CodeHash))
        {
            if (--S.CodeAttemptsLeft <= 0)
            {
                ForgetCode();
            }

            await WriteAsync(state);
            return null;
        }

        ForgetCode();
        S.CustomerId ??= "cu-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var (sessionId, secret, expires) = SessionBook.Open(S.Sessions, options, now);
        await WriteAsync(state);
        return Issued(sessionId, secret, expires);
    }

    public async Task<SessionIssued?> Refresh(string sessionId, string secret)
    {
        if (S.CustomerId is null)
        {
            return null;
        }

        var (outcome, next, expires) = SessionBook.Rotate(S.Sessions, sessionId, secret, options, clock.GetUtcNow());
        if (outcome == SessionBook.Outcome.Unknown)
        {
            return null;
        }

        await WriteAsync(state);
        return outcome == SessionBook.Outcome.Rotated ? Issued(sessionId, next!, expires) : null;
    }

    public async Task<bool> SignOut(string sessionId, string secret)
    {
        if (!SessionBook.Close(S.Sessions, sessionId, secret))
        {
            return false;
        }

        await WriteAsync(state);
        return true;
    }

    private void ForgetCode()
    {
        S.CodeHash = null;
        S.CodeSalt = null;
        S.CodeAttemptsLeft = 0;
    }

    private SessionIssued Issued(string sessionId, string secret, DateTimeOffset expires)
    {
        var phone = this.GetPrimaryKeyString();
        var name = phone.Length > 4 ? new string('*', phone.Length - 4) + phone[^4..] : phone;
        var identity = new AccountIdentity(S.CustomerId!, name, [new RoleGrant(AccountRole.Customer, S.CustomerId)]);
        return new SessionIssued(identity, RefreshTokens.Format(RefreshTokens.CustomerKind, phone, sessionId, secret), expires);
    }

    private static byte[] Hash(byte[] salt, string code) => SHA256.HashData([.. salt, .. System.Text.Encoding.UTF8.GetBytes(code)]);
}
