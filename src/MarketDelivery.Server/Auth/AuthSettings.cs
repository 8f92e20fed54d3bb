using MarketDelivery.Grains.Accounts;

namespace MarketDelivery.Server.Auth;

/// <summary>
/// Sign-in settings from the <c>Auth</c> configuration section. Every key is optional:
/// <c>SigningKey</c> (at least 32 characters; without it a key is generated once and kept in storage),
/// <c>Authority</c> and <c>Audience</c> (trust an external issuer instead of our own tokens),
/// <c>AccessTokenLifetime</c>, the account limits of <see cref="AccountOptions"/> and the rate limits.
/// </summary>
public sealed record AuthSettings
{
    public const string Issuer = "marketdelivery";
    public const string LocalAudience = "marketdelivery";
    public const int MinSigningKeyLength = 32;

    public string? SigningKey { get; init; }

    public string? Authority { get; init; }

    public string? Audience { get; init; }

    /// <summary>True when tokens come from an external issuer; our sign-in endpoints are then not mapped.</summary>
    public bool UsesExternalIssuer => !string.IsNullOrWhiteSpace(Authority);

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    public AccountOptions Accounts { get; init; } = new();

    /// <summary>Sign-in attempts per client address per <see cref="RateWindow"/>.</summary>
    public int SignInPermits { get; init; } = 30;

    /// <summary>Code requests per client address per <see cref="RateWindow"/>.</summary>
    public int CodePermits { get; init; } = 10;

    /// <summary>Code verifications per client address per <see cref="RateWindow"/>.</summary>
    public int VerifyPermits { get; init; } = 20;

    /// <summary>Orders placed per customer per <see cref="RateWindow"/>: far above a person, below a script gone wrong.</summary>
    public int OrderPermits { get; init; } = 60;

    /// <summary>Delivery confirmations (code or photo) per courier per <see cref="RateWindow"/>; guessing codes is slow.</summary>
    public int DeliveryPermits { get; init; } = 30;

    /// <summary>Staff "plan now" requests per market per <see cref="RateWindow"/>.</summary>
    public int PlanPermits { get; init; } = 6;

    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    public static AuthSettings FromConfiguration(IConfiguration config)
    {
        var section = config.GetSection("Auth");
        var defaults = new AuthSettings();
        var accounts = defaults.Accounts;
        var settings = new AuthSettings
        {
            SigningKey = section["SigningKey"],
            Authority = section["Authority"],
            Audience = section["Audience"],
            AccessTokenLifetime = section.GetValue("AccessTokenLifetime", defaults.AccessTokenLifetime),
            Accounts = accounts with
            {
                MaxFailures = section.GetValue("MaxFailures", accounts.MaxFailures),
                LockoutDuration = section.GetValue("LockoutDuration", accounts.LockoutDuration),
                CodeLifetime = section.GetValue("CodeLifetime", accounts.CodeLifetime),
                CodeAttempts = section.GetValue("CodeAttempts", accounts.CodeAttempts),
                CodeResendAfter = section.GetValue("CodeResendAfter", accounts.CodeResendAfter),
                RefreshLifetime = section.GetValue("RefreshLifetime", accounts.RefreshLifetime),
                MaxSessions = section.GetValue("MaxSessions", accounts.MaxSessions),
            },
            SignInPermits = section.GetValue("RateLimits:SignIn", defaults.SignInPermits),
            CodePermits = section.GetValue("RateLimits:Code", defaults.CodePermits),
            VerifyPermits = section.GetValue("RateLimits:Verify", defaults.VerifyPermits),
            OrderPermits = section.GetValue("RateLimits:Orders", defaults.OrderPermits),
            DeliveryPermits = section.GetValue("RateLimits:Deliveries", defaults.DeliveryPermits),
            PlanPermits = section.GetValue("RateLimits:PlanNow", defaults.PlanPermits),
            RateWindow = section.GetValue("RateLimits:Window", defaults.RateWindow),
        };

        if (settings.SigningKey is { Length: > 0 and < MinSigningKeyLength })
        {
            throw new InvalidOperationException($"Auth:SigningKey must be at least {MinSigningKeyLength} characters.");
        }

        return settings;
    }
}
