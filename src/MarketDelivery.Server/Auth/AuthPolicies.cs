using System.Security.Claims;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Server.Api;
using Microsoft.AspNetCore.Authorization;

namespace MarketDelivery.Server.Auth;

/// <summary>
/// The named authorization policies every endpoint and hub method uses (<c>RequireAuthorization(name)</c>). A scope
/// policy compares an id of the request (a route value over HTTP, an argument in the hub) with the token's scope
/// claims; the order and courier policies read the order or courier to learn whose it is. An admin passes every one.
/// </summary>
public static class AuthPolicies
{
    /// <summary>Any signed-in caller (who am I).</summary>
    public const string SignedIn = "signed-in";

    /// <summary>A signed-in customer (placing an order: the order is theirs by the token).</summary>
    public const string Customer = "customer";

    /// <summary>The customer <c>{customerId}</c> themself.</summary>
    public const string CustomerSelf = "customer-self";

    /// <summary>The customer who placed the <c>{orderId}</c> order: the only one who sees its delivery code.</summary>
    public const string CustomerOfOrder = "customer-of-order";

    /// <summary>The order's customer, or staff of the order's market.</summary>
    public const string CustomerOrStaffOfOrder = "customer-or-staff-of-order";

    /// <summary>Staff of the <c>{orderId}</c> order's market.</summary>
    public const string StaffOfOrder = "staff-of-order";

    /// <summary>The order's customer, staff of its market, or the courier the order is planned for or carried by.</summary>
    public const string PartyToOrder = "party-to-order";

    /// <summary>A merchant of the <c>{stallId}</c> stall.</summary>
    public const string MerchantOfStall = "merchant-of-stall";

    /// <summary>The courier <c>{courierId}</c> themself.</summary>
    public const string CourierSelf = "courier-self";

    /// <summary>The courier <c>{courierId}</c> themself, or staff of a market the courier serves.</summary>
    public const string CourierOrStaff = "courier-or-staff";

    /// <summary>Staff of a market the <c>{courierId}</c> courier serves, or any staff for a courier not registered yet.</summary>
    public const string StaffOfCourier = "staff-of-courier";

    /// <summary>Market staff of the <c>{marketId}</c> market.</summary>
    public const string StaffOfMarket = "staff-of-market";

    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } =
    [
        SignedIn, Customer, CustomerSelf, CustomerOfOrder, CustomerOrStaffOfOrder, StaffOfOrder, PartyToOrder,
        MerchantOfStall, CourierSelf, CourierOrStaff, StaffOfCourier, StaffOfMarket, Admin,
    ];

    public static void AddMarketDeliveryPolicies(this AuthorizationOptions options)
    {
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(AuthClaims.Role, "admin"));
        options.AddPolicy(Customer, p => p.RequireAuthenticatedUser().RequireAssertion(c => IsAdmin(c.User) || c.User.HasClaim(c => c.Type == AuthClaims.Customer)));
        options.AddPolicy(CustomerSelf, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Customer, "customerId")));
        options.AddPolicy(MerchantOfStall, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Stall, "stallId")));
        options.AddPolicy(CourierSelf, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Courier, "courierId")));
        options.AddPolicy(StaffOfMarket, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Market, "marketId")));
        options.AddPolicy(CourierOrStaff, p => p.RequireAuthenticatedUser().AddRequirements(new CourierAccessRequirement(Self: true)));
        options.AddPolicy(StaffOfCourier, p => p.RequireAuthenticatedUser().AddRequirements(new CourierAccessRequirement(Self: false)));
        options.AddPolicy(CustomerOfOrder, p => p.RequireAuthenticatedUser().AddRequirements(new OrderAccessRequirement(OrderParties.Customer)));
        options.AddPolicy(CustomerOrStaffOfOrder, p => p.RequireAuthenticatedUser().AddRequirements(new OrderAccessRequirement(OrderParties.Customer | OrderParties.Staff)));
        options.AddPolicy(StaffOfOrder, p => p.RequireAuthenticatedUser().AddRequirements(new OrderAccessRequirement(OrderParties.Staff)));
        options.AddPolicy(PartyToOrder, p => p.RequireAuthenticatedUser().AddRequirements(new OrderAccessRequirement(OrderParties.Customer | OrderParties.Staff | OrderParties.Courier)));
    }

    public static bool IsAdmin(ClaimsPrincipal user) => user.HasClaim(AuthClaims.Role, "admin");

    /// <summary>The ids of a scope claim the caller holds (stalls, markets, couriers, customers).</summary>
    public static HashSet<string> Scopes(ClaimsPrincipal user, string claimType) =>
        user.FindAll(claimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The id a policy checks: a route value of the HTTP request, or, in the hub, the method's argument handed over
    /// as a <see cref="RouteValueDictionary"/> resource.
    /// </summary>
    internal static string? ScopeValue(AuthorizationHandlerContext context, string name) => context.Resource switch
    {
        HttpContext http => http.GetRouteValue(name) as string,
        RouteValueDictionary values => values.TryGetValue(name, out var value) ? value as string : null,
        _ => null,
    };
}

/// <summary>The token's <see cref="ClaimType"/> claim (stall, courier, market, customer) names the request's <see cref="RouteValue"/>.</summary>
public sealed record RouteScopeRequirement(string ClaimType, string RouteValue) : IAuthorizationRequirement;

public sealed class RouteScopeHandler : AuthorizationHandler<RouteScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RouteScopeRequirement requirement)
    {
        var scope = AuthPolicies.ScopeValue(context, requirement.RouteValue);
        if (AuthPolicies.IsAdmin(context.User) || (scope is not null && context.User.HasClaim(requirement.ClaimType, scope)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Who, besides an admin, may touch an order.</summary>
[Flags]
public enum OrderParties
{
    None = 0,
    Customer = 1,
    Staff = 2,
    Courier = 4,
}

/// <summary>The <c>{orderId}</c> order belongs to one of <see cref="Parties"/> the caller is.</summary>
public sealed record OrderAccessRequirement(OrderParties Parties) : IAuthorizationRequirement;

/// <summary>
/// Reads the order to learn its customer, market and courier. An order that does not exist is refused like another
/// customer's (403), so the answer does not tell whether an id is in use.
/// </summary>
public sealed class OrderAccessHandler(IGrainFactory grains) : AuthorizationHandler<OrderAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OrderAccessRequirement requirement)
    {
        if (AuthPolicies.IsAdmin(context.User))
        {
            context.Succeed(requirement);
            return;
        }

        var orderId = AuthPolicies.ScopeValue(context, "orderId");
        if (orderId is null || InputRules.IdProblem(orderId) is not null || !OrderIds.LooksLikeOrderId(orderId))
        {
            return;
        }

        var user = context.User;
        var parties = requirement.Parties;
        var mayBeCustomer = parties.HasFlag(OrderParties.Customer) && user.HasClaim(c => c.Type == AuthClaims.Customer);
        var mayBeStaff = parties.HasFlag(OrderParties.Staff) && user.HasClaim(c => c.Type == AuthClaims.Market);
        var mayBeCourier = parties.HasFlag(OrderParties.Courier) && user.HasClaim(c => c.Type == AuthClaims.Courier);
        if (!(mayBeCustomer || mayBeStaff || mayBeCourier))
        {
            return; // no need to read the order
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).GetView();
        if (order is null)
        {
            return;
        }

        if ((mayBeCustomer && user.HasClaim(AuthClaims.Customer, order.CustomerId))
            || (mayBeStaff && user.HasClaim(AuthClaims.Market, order.MarketId))
            || (mayBeCourier && order.Delivery?.CourierId is { } courier && user.HasClaim(AuthClaims.Courier, courier)))
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// The <c>{courierId}</c> courier is the caller (when <see cref="Self"/>), or serves a market the caller is staff of.
/// A courier who is not registered yet may be registered by any staff; the endpoint then checks the markets named.
/// </summary>
public sealed record CourierAccessRequirement(bool Self) : IAuthorizationRequirement;

public sealed class CourierAccessHandler(IGrainFactory grains) : AuthorizationHandler<CourierAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CourierAccessRequirement requirement)
    {
        var user = context.User;
        var courierId = AuthPolicies.ScopeValue(context, "courierId");
        if (AuthPolicies.IsAdmin(user) || (requirement.Self && courierId is not null && user.HasClaim(AuthClaims.Courier, courierId)))
        {
            context.Succeed(requirement);
            return;
        }

        var markets = AuthPolicies.Scopes(user, AuthClaims.Market);
        if (courierId is null || markets.Count == 0 || InputRules.IdProblem(courierId) is not null)
        {
            return;
        }

        var courier = await grains.GetGrain<ICourierGrain>(courierId).GetView();
        if (courier is null ? !requirement.Self : courier.Profile.MarketIds.Any(markets.Contains))
        {
            context.Succeed(requirement);
        }
    }
}
