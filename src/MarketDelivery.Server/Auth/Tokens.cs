using System.Collections.Immutable;
using System.Security.Claims;
using System.Text;
using MarketDelivery.Contracts.Accounts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MarketDelivery.Server.Auth;

/// <summary>Claim names in our access tokens (kept short and unmapped: <c>MapInboundClaims</c> is off).</summary>
public static class AuthClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string Stall = "stall";
    public const string Market = "market";
    public const string Courier = "courier";
    public const string Customer = "customer";

    /// <summary>The role's name in tokens and in <c>/api/dev/tokens</c>.</summary>
    public static string RoleName(AccountRole role) => role.ToString().ToLowerInvariant();

    /// <summary>The claim that carries a role's scope id, or null for a role without scope (admin).</summary>
    public static string? ScopeClaim(AccountRole role) => role switch
    {
        AccountRole.Customer => Customer,
        AccountRole.Merchant => Stall,
        AccountRole.Courier => Courier,
        AccountRole.Staff => Market,
        _ => null,
    };

    /// <summary>The roles a token's principal carries, with their scopes.</summary>
    public static ImmutableArray<RoleGrant> Roles(ClaimsPrincipal user)
    {
        var builder = ImmutableArray.CreateBuilder<RoleGrant>();
        foreach (var role in Enum.GetValues<AccountRole>())
        {
            if (!user.HasClaim(Role, RoleName(role)))
            {
                continue;
            }

            var scope = ScopeClaim(role);
            if (scope is null)
            {
                builder.Add(new RoleGrant(role, null));
            }
            else
            {
                builder.AddRange(user.FindAll(scope).Select(c => new RoleGrant(role, c.Value)));
            }
        }

        return builder.ToImmutable();
    }
}

/// <summary>The key that signs and checks our access tokens: from configuration, or loaded from storage at start.</summary>
public sealed class SigningKeys(AuthSettings settings)
{
    private volatile SymmetricSecurityKey? _key =
        string.IsNullOrEmpty(settings.SigningKey) ? null : Make(Encoding.UTF8.GetBytes(settings.SigningKey));

    public bool IsLoaded => _key is not null;

    /// <summary>The key; before it is loaded no token is issued (503) and none is accepted.</summary>
    public SymmetricSecurityKey Current => _key ?? throw new SigningKeyNotReadyException();

    public IEnumerable<SecurityKey> Resolve() => _key is null ? [] : [_key];

    public void Use(byte[] key) => _key ??= Make(key);

    private static SymmetricSecurityKey Make(byte[] key) => new(key) { KeyId = "md-1" };
}

/// <summary>Asked for a token before the signing key was loaded; transient.</summary>
public sealed class SigningKeyNotReadyException() : InvalidOperationException("The token signing key is not loaded yet.");

/// <summary>Loads the stored signing key once the silo is up (it is registered after Orleans, so it starts after it).</summary>
public sealed class SigningKeyLoader(SigningKeys keys, AuthSettings settings, IGrainFactory grains, ILogger<SigningKeyLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.UsesExternalIssuer)
        {
            logger.LogInformation("Access tokens: trusted from {Authority} (audience {Audience}).", settings.Authority, settings.Audience);
            return;
        }

        if (keys.IsLoaded)
        {
            logger.LogInformation("Access tokens: signed with the key from Auth:SigningKey.");
            return;
        }

        keys.Use(await grains.GetGrain<ISigningKeyGrain>("default").GetKey().WaitAsync(cancellationToken));
        logger.LogInformation("Access tokens: signed with the key kept in storage (set Auth:SigningKey to choose one).");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Makes short-lived access tokens carrying roles and scope ids.</summary>
public sealed class TokenIssuer(SigningKeys keys, AuthSettings settings)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset Expires) Issue(AccountIdentity identity)
    {
        var now = DateTimeOffset.UtcNow; // real time: bearer validation checks lifetimes against it
        var expires = now + settings.AccessTokenLifetime;
        var claims = new List<Claim>
        {
            new(AuthClaims.Subject, identity.Subject),
            new(AuthClaims.Name, identity.Name),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };
        foreach (var role in identity.Roles.Select(r => r.Role).Distinct())
        {
            claims.Add(new Claim(AuthClaims.Role, AuthClaims.RoleName(role)));
        }

        foreach (var grant in identity.Roles)
        {
            if (AuthClaims.ScopeClaim(grant.Role) is { } claim && grant.ScopeId is not null)
            {
                claims.Add(new Claim(claim, grant.ScopeId));
            }
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthSettings.Issuer,
            Audience = AuthSettings.LocalAudience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
