using System.Net;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>The rules that depend on more than the route: whose order it is, who sees the delivery code, which markets staff may assign.</summary>
public sealed class ScopedAccessTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private MarketServer Server => fixture.Server;

    [Fact]
    public async Task A_customer_places_orders_only_as_themself()
    {
        using var customer = Server.ClientAs(AccountRole.Customer, "scoped-customer");
        var slot = await Baskets.OpenSlot(customer);

        // Without customerId the order is the token's customer's.
        var body = Baskets.With(slot, "customerId", null);
        body.Remove("customerId");
        var (placed, order, _) = await customer.PlaceOrder(body);
        Assert.Equal(HttpStatusCode.Created, placed);
        Assert.Equal("scoped-customer", (string)order!["customerId"]!);

        // Naming another customer is refused, and nothing is placed for them.
        var (refused, problem, _) = await customer.PlaceOrder(Baskets.TwoStallOrder(slot, "someone-else"));
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("another customer", (string)problem!["detail"]!, StringComparison.Ordinal);

        using var merchant = Server.ClientAs(AccountRole.Merchant, "amsa-chaeso");
        Assert.Equal(HttpStatusCode.Forbidden, (await merchant.PlaceOrder(Baskets.TwoStallOrder(slot, "scoped-customer"))).Status);
        using var anonymous = Server.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PlaceOrder(Baskets.TwoStallOrder(slot, "scoped-customer"))).Status);
    }

    [Fact]
    public async Task Only_the_customer_sees_the_delivery_code()
    {
        using var customer = Server.ClientAs(AccountRole.Customer, "code-customer");
        var slot = await Baskets.OpenSlot(customer);
        var (_, order, _) = await customer.PlaceOrder(Baskets.TwoStallOrder(slot, "code-customer"));
        var path = $"/api/orders/{order!["orderId"]}";

        var code = (string?)(await customer.GetJson(path))["delivery"]!["deliveryCode"];
        Assert.Matches("^[0-9]{4}$", code);
        using var staff = Server.ClientAs(AccountRole.Staff, "amsa");
        var seenByStaff = await staff.GetJson(path);
        Assert.Equal("code-customer", (string)seenByStaff["customerId"]!);
        Assert.Null(seenByStaff["delivery"]!["deliveryCode"]);
        Assert.Null((await fixture.Http.GetJson(path))["delivery"]!["deliveryCode"]);
    }

    [Fact]
    public async Task Staff_manage_only_the_couriers_of_their_own_markets()
    {
        using var amsaStaff = Server.ClientAs(AccountRole.Staff, "amsa");
        using var mangwonStaff = Server.ClientAs(AccountRole.Staff, "mangwon");
        object Profile(params string[] markets) => new
        {
            name = "김배달", district = "강동구", mode = "bicycle", capacityGrams = 20_000, capacityBags = 6, marketIds = markets,
        };

        Assert.Equal(HttpStatusCode.OK, (await amsaStaff.SendJson(HttpMethod.Put, "/api/couriers/scoped-rider", Profile("amsa"))).Status);
        // Not into another market, and not a courier of another market.
        Assert.Equal(HttpStatusCode.Forbidden, (await amsaStaff.SendJson(HttpMethod.Put, "/api/couriers/scoped-rider", Profile("amsa", "mangwon"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await mangwonStaff.SendJson(HttpMethod.Put, "/api/couriers/scoped-rider", Profile("mangwon"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await mangwonStaff.SendJson(HttpMethod.Get, "/api/couriers/scoped-rider")).Status);
        Assert.Equal(HttpStatusCode.OK, (await amsaStaff.SendJson(HttpMethod.Get, "/api/couriers/scoped-rider")).Status);

        // The courier reads themself but cannot rewrite their own profile.
        using var courier = Server.ClientAs(AccountRole.Courier, "scoped-rider");
        Assert.Equal(HttpStatusCode.OK, (await courier.SendJson(HttpMethod.Get, "/api/couriers/scoped-rider")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await courier.SendJson(HttpMethod.Put, "/api/couriers/scoped-rider", Profile("amsa"))).Status);
    }

    [Fact]
    public async Task A_courier_serves_the_markets_of_one_district_and_staff_of_one_market_cannot_add_the_other()
    {
        using var admin = Server.ClientAs(AccountRole.Admin, null);
        using var amsaStaff = Server.ClientAs(AccountRole.Staff, "amsa");
        object Profile(params string[] markets) => new
        {
            name = "강동배달", district = "강동구", mode = "scooter", capacityGrams = 25_000, capacityBags = 8, marketIds = markets,
        };

        // 암사 and 길동 are the district gangdong: one courier may serve both; 망원 is planned by another district.
        Assert.Equal(HttpStatusCode.OK, (await admin.SendJson(HttpMethod.Put, "/api/couriers/district-rider", Profile("amsa", "gildong"))).Status);
        var (across, problem, _) = await admin.SendJson(HttpMethod.Put, "/api/couriers/district-rider", Profile("amsa", "mangwon"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, across);
        Assert.Contains("one district", (string)problem!["detail"]!, StringComparison.Ordinal);

        // Staff of amsa alone may not hand their courier to gildong, and are told who may.
        var (foreign, refusal, _) = await amsaStaff.SendJson(HttpMethod.Put, "/api/couriers/amsa-rider", Profile("amsa", "gildong"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.Contains("gildong", (string)refusal!["detail"]!, StringComparison.Ordinal);
        Assert.Contains("admin", (string)refusal["detail"]!, StringComparison.Ordinal);
    }
}

/// <summary>Rate limits per signed-in customer and per market, on a server whose limits are set low.</summary>
public sealed class ScopedRateLimitTests : IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private MarketServer _server = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _server = new MarketServer(_database.ConnectionString, services: s => s.AddSingleton(new AuthSettings
        {
            SigningKey = TestTokens.SigningKey,
            OrderPermits = 3,
            PlanPermits = 2,
            RateWindow = TimeSpan.FromMinutes(10),
        }));
        _server.Start().Dispose();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database!.DisposeAsync();
    }

    [Fact]
    public async Task A_customer_placing_too_many_orders_gets_429_with_Retry_After_while_others_go_on()
    {
        using var eager = _server.ClientAs(AccountRole.Customer, "eager-customer");
        using var calm = _server.ClientAs(AccountRole.Customer, "calm-customer");
        var slot = await Baskets.OpenSlot(eager);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await eager.PlaceOrder(Baskets.TwoStallOrder(slot, "eager-customer"))).Status);
        }

        var (status, problem, response) = await eager.PlaceOrder(Baskets.TwoStallOrder(slot, "eager-customer"));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, response.Headers.ToString());
        Assert.Equal(429, (int)problem!["status"]!);
        Assert.Equal(HttpStatusCode.Created, (await calm.PlaceOrder(Baskets.TwoStallOrder(slot, "calm-customer"))).Status);
    }

    [Fact]
    public async Task Plan_now_is_limited_per_market()
    {
        using var amsa = _server.ClientAs(AccountRole.Staff, "amsa");
        using var mangwon = _server.ClientAs(AccountRole.Staff, "mangwon");
        Assert.Equal(HttpStatusCode.OK, (await amsa.PostJson("/api/markets/amsa/dispatch/plan", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await amsa.PostJson("/api/markets/amsa/dispatch/plan", null)).Status);
        var (status, _, response) = await amsa.PostJson("/api/markets/amsa/dispatch/plan", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await mangwon.PostJson("/api/markets/mangwon/dispatch/plan", null)).Status);
    }
}
