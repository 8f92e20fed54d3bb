using System.Collections.Immutable;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Domain;
using Microsoft.AspNetCore.Identity;

namespace MarketDelivery.Grains.Accounts;

[GenerateSerializer, Alias("md.StaffAccountState")]
public sealed class StaffAccountState
{
    /// <summary>ASP.NET Core Identity's password hash (PBKDF2 with a salt); never the secret itself.</summary>
    [Id(0)] public string? SecretHash { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public ImmutableArray<RoleGrant> Roles { get; set; } = [];
    [Id(3)] public int Failures { get; set; }
    [Id(4)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(5)] public List<SessionRecord> Sessions { get; set; } = [];
}

/// <summary>
/// A staff-type account (merchant, courier, market staff, admin). A demo account from the seed data is created, its
/// secret hashed, when its grain is first activated. Wrong secrets are counted; after
/// <see cref="AccountOptions.MaxFailures"/> in a row the account is locked for <see cref="AccountOptions.LockoutDuration"/>.
/// An unknown id, a wrong secret and a locked account answer alike, after the same hashing work.
/// </summary>
public sealed class StaffAccountGrain(
    [PersistentState("staff", "accounts")] IPersistentState<StaffAccountState> state,
    IStaffAccountSeeds seeds,
    AccountOptions options,
    MarketClock clock) : DurableGrain, IStaffAccountGrain
{
    private static readonly PasswordHasher<StaffAccountState> Hasher = new();
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(new StaffAccountState(), "decoy-secret-for-timing"));

    private StaffAccountState S => state.State;

    private bool Exists => S.SecretHash is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Exists && seeds.Find(this.GetPrimaryKeyString()) is { } seed)
        {
            S.Name = seed.Name;
            S.Roles = seed.Roles;
            S.SecretHash = Hasher.HashPassword(S, seed.Secret);
            await WriteAsync(state);
        }
    }

    public async Task<SessionIssued?> SignIn(string secret)
    {
        var now = clock.GetUtcNow();
        if (!Exists || S.LockedUntil > now)
        {
            // Spend the same work as a real check, so timing does not tell a locked or unknown account apart.
            Hasher.VerifyHashedPassword(S, DecoyHash.Value, secret);
            return null;
        }

        var verdict = Hasher.VerifyHashedPassword(S, S.SecretHash!, secret);
        if (verdict == PasswordVerificationResult.Failed)
        {
            S.Failures++;
            if (S.Failures >= options.MaxFailures)
            {
                S.Failures = 0;
                S.LockedUntil = now + options.LockoutDuration;
            }

            await WriteAsync(state);
            return null;
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            S.SecretHash = Hasher.HashPassword(S, secret);
        }

        S.Failures = 0;
        S.LockedUntil = null;
        var (sessionId, sessionSecret, expires) = SessionBook.Open(S.Sessions, options, now);
        await WriteAsync(state);
        return Issued(sessionId, sessionSecret, expires);
    }

    public async Task<SessionIssued?> Refresh(string sessionId, string secret)
    {
        if (!Exists)
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
        if (!Exists || !SessionBook.Close(S.Sessions, sessionId, secret))
        {
            return false;
        }

        await WriteAsync(state);
        return true;
    }

    public async Task RevokeAll()
    {
        if (Exists && S.Sessions.Count > 0)
        {
            S.Sessions.Clear();
            await WriteAsync(state);
        }
    }

    public Task<AccountIdentity?> GetIdentity() => Task.FromResult(Exists ? Identity() : null);

    private AccountIdentity Identity() => new(this.GetPrimaryKeyString(), S.Name, S.Roles);

    private SessionIssued Issued(string sessionId, string secret, DateTimeOffset expires) =>
        new(Identity(), RefreshTokens.Format(RefreshTokens.StaffKind, this.GetPrimaryKeyString(), sessionId, secret), expires);
}
