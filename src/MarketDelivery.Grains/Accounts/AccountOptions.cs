using MarketDelivery.Contracts.Accounts;

namespace MarketDelivery.Grains.Accounts;

/// <summary>Limits of sign-in; the host reads them from the <c>Auth</c> configuration section.</summary>
public sealed record AccountOptions
{
    /// <summary>Wrong secrets in a row before an account is locked.</summary>
    public int MaxFailures { get; init; } = 5;

    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Wrong guesses of one code before it is void.</summary>
    public int CodeAttempts { get; init; } = 5;

    /// <summary>A phone may ask for a new code this long after the last one.</summary>
    public TimeSpan CodeResendAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RefreshLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Signed-in devices kept per account; the oldest is dropped beyond this, so state stays small.</summary>
    public int MaxSessions { get; init; } = 10;
}

/// <summary>Demo accounts from the seed data, looked up when an account grain is activated without stored state.</summary>
public interface IStaffAccountSeeds
{
    StaffAccountSeed? Find(string accountId);
}

/// <summary>No seed accounts.</summary>
public sealed class NoStaffAccountSeeds : IStaffAccountSeeds
{
    public StaffAccountSeed? Find(string accountId) => null;
}
