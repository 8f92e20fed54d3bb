using System.Collections.Immutable;

namespace MarketDelivery.Contracts.Accounts;

/// <summary>The roles a person may hold; a person may hold several.</summary>
public enum AccountRole
{
    Customer = 0,
    Merchant = 1,
    Courier = 2,
    Staff = 3,
    Admin = 4,
}

/// <summary>
/// One role and what it is scoped to: the stall of a merchant, the courier id of a courier, the market of market
/// staff, the customer id of a customer; none for an admin.
/// </summary>
[GenerateSerializer, Immutable, Alias("md.RoleGrant")]
public sealed record RoleGrant(
    [property: Id(0)] AccountRole Role,
    [property: Id(1)] string? ScopeId);

/// <summary>Who a signed-in person is: the subject of their tokens and the roles they carry.</summary>
[GenerateSerializer, Immutable, Alias("md.AccountIdentity")]
public sealed record AccountIdentity(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableArray<RoleGrant> Roles);

/// <summary>
/// A successful sign-in or refresh: the identity to put in an access token and a new refresh token (the only time
/// its secret exists in plain text; the grain keeps a hash).
/// </summary>
[GenerateSerializer, Immutable, Alias("md.SessionIssued")]
public sealed record SessionIssued(
    [property: Id(0)] AccountIdentity Identity,
    [property: Id(1)] string RefreshToken,
    [property: Id(2)] DateTimeOffset RefreshExpires);

/// <summary>A new one-time code for a phone; the caller hands it to a sender and forgets it.</summary>
[GenerateSerializer, Immutable, Alias("md.CodeIssued")]
public sealed record CodeIssued(
    [property: Id(0)] string? Code,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] TimeSpan? RetryAfter);

/// <summary>What the demo seed says about a staff-type account: its secret in plain text (demo only) and roles.</summary>
[GenerateSerializer, Immutable, Alias("md.StaffAccountSeed")]
public sealed record StaffAccountSeed(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Secret,
    [property: Id(3)] ImmutableArray<RoleGrant> Roles);
