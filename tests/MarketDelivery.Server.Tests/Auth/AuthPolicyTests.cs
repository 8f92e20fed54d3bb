using System.Security.Claims;
using MarketDelivery.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>
/// The named policies, evaluated by the server's own authorization service against route values, before they are
/// put on endpoints: a scope matches only its own stall, courier or market; an admin passes every one.
/// </summary>
public sealed class AuthPolicyTests : IAsyncLifetime
{
    private readonly AuthHost _host = new("Development", new Dictionary<string, string?> { ["Storage:Kind"] = "Memory" });
    private IAuthorizationService _authorization = null!;

    public Task InitializeAsync()
    {
        _host.CreateClient().Dispose();
        _authorization = _host.Services.GetRequiredService<IAuthorizationService>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer", AuthClaims.Subject, AuthClaims.Role));

    private async Task<bool> Allowed(ClaimsPrincipal user, string policy, string routeKey, string routeValue)
    {
        var http = new DefaultHttpContext { RequestServices = _host.Services };
        http.Request.RouteValues = new RouteValueDictionary { [routeKey] = routeValue };
        return (await _authorization.AuthorizeAsync(user, http, policy)).Succeeded;
    }

    [Fact]
    public async Task Each_scope_policy_allows_its_own_scope_and_denies_another()
    {
        var merchant = User(("sub", "m"), ("role", "merchant"), ("stall", "amsa-chaeso"));
        Assert.True(await Allowed(merchant, AuthPolicies.MerchantOfStall, "stallId", "amsa-chaeso"));
        Assert.False(await Allowed(merchant, AuthPolicies.MerchantOfStall, "stallId", "amsa-gwail"));

        var courier = User(("sub", "c"), ("role", "courier"), ("courier", "amsa-courier-1"));
        Assert.True(await Allowed(courier, AuthPolicies.CourierSelf, "courierId", "amsa-courier-1"));
        Assert.False(await Allowed(courier, AuthPolicies.CourierSelf, "courierId", "amsa-courier-2"));

        var staff = User(("sub", "s"), ("role", "staff"), ("market", "amsa"));
        Assert.True(await Allowed(staff, AuthPolicies.StaffOfMarket, "marketId", "amsa"));
        Assert.False(await Allowed(staff, AuthPolicies.StaffOfMarket, "marketId", "mangwon"));
        Assert.False(await Allowed(staff, AuthPolicies.MerchantOfStall, "stallId", "amsa-chaeso"));
        Assert.False(await Allowed(staff, AuthPolicies.Admin, "marketId", "amsa"));
    }

    [Fact]
    public async Task An_admin_passes_every_policy_and_an_anonymous_caller_none()
    {
        var admin = User(("sub", "a"), ("role", "admin"));
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        foreach (var (policy, key) in new[]
                 {
                     (AuthPolicies.MerchantOfStall, "stallId"), (AuthPolicies.CourierSelf, "courierId"),
                     (AuthPolicies.StaffOfMarket, "marketId"), (AuthPolicies.Admin, "marketId"),
                 })
        {
            Assert.True(await Allowed(admin, policy, key, "anything"), policy);
            Assert.False(await Allowed(anonymous, policy, key, "anything"), policy);
        }

        // A customer of no order (an unknown order id) is refused; the check reads the order itself.
        var customer = User(("sub", "cu-1"), ("role", "customer"), ("customer", "cu-1"));
        Assert.False(await Allowed(customer, AuthPolicies.CustomerOfOrder, "orderId", "no-such-order"));
        Assert.True(await Allowed(admin, AuthPolicies.CustomerOfOrder, "orderId", "no-such-order"));
    }
}
