using MarketDelivery.Contracts.Orders;
using MarketDelivery.Server.Api;
using Microsoft.AspNetCore.Authorization;

namespace MarketDelivery.Server.Auth;

/// <summary>
/// Named authorization policies for roles and scopes, to put on endpoints with <c>RequireAuthorization(name)</c>.
/// Each compares a route value with the matching scope claim of the token; an admin passes every one.
/// </summary>
public static class AuthPolicies
{
    /// <summary>A customer whose id is the <c>{orderId}</c> order's customer.</summary>
    public const string CustomerOfOrder = "customer-of-order";

    /// <summary>A merchant of the <c>{stallId}</c> stall.</summary>
    public const string MerchantOfStall = "merchant-of-stall";

    /// <summary>The courier <c>{courierId}</c> themself.</summary>
    public const string CourierSelf = "courier-self";

    /// <summary>Market staff of the <c>{marketId}</c> market.</summary>
    public const string StaffOfMarket = "staff-of-market";

    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [CustomerOfOrder, MerchantOfStall, CourierSelf, StaffOfMarket, Admin];

    public static void AddMarketDeliveryPolicies(this AuthorizationOptions options)
    {
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(AuthClaims.Role, "admin"));
        options.AddPolicy(MerchantOfStall, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Stall, "stallId")));
        options.AddPolicy(CourierSelf, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Courier, "courierId")));
        options.AddPolicy(StaffOfMarket, p => p.RequireAuthenticatedUser().AddRequirements(new RouteScopeRequirement(AuthClaims.Market, "marketId")));
        options.AddPolicy(CustomerOfOrder, p => p.RequireAuthenticatedUser().AddRequirements(new CustomerOfOrderRequirement()));
    }

    internal static bool IsAdmin(AuthorizationHandlerContext context) => context.User.HasClaim(AuthClaims.Role, "admin");

    internal static string? RouteValue(AuthorizationHandlerContext context, string name) =>
        context.Resource is HttpContext http ? http.GetRouteValue(name) as string : null;
}

/// <summary>The token's <see cref="ClaimType"/> claim (stall, courier, market) names the route's <see cref="RouteValue"/>.</summary>
public sealed record RouteScopeRequirement(string ClaimType, string RouteValue) : IAuthorizationRequirement;

public sealed class RouteScopeHandler : AuthorizationHandler<RouteScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RouteScopeRequirement requirement)
    {
        var scope = AuthPolicies.RouteValue(context, requirement.RouteValue);
        if (AuthPolicies.IsAdmin(context) || (scope is not null && context.User.HasClaim(requirement.ClaimType, scope)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The <c>{orderId}</c> order was placed by the token's customer.</summary>
public sealed record CustomerOfOrderRequirement : IAuthorizationRequirement;

public sealed class CustomerOfOrderHandler(IGrainFactory grains) : AuthorizationHandler<CustomerOfOrderRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CustomerOfOrderRequirement requirement)
    {
        if (AuthPolicies.IsAdmin(context))
        {
            context.Succeed(requirement);
            return;
        }

        var orderId = AuthPolicies.RouteValue(context, "orderId");
        var customers = context.User.FindAll(AuthClaims.Customer).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (orderId is null || customers.Count == 0 || InputRules.IdProblem(orderId) is not null)
        {
            return;
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).GetView();
        if (order is not null && customers.Contains(order.CustomerId))
        {
            context.Succeed(requirement);
        }
    }
}
