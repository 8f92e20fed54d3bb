using System.Net;
using System.Reflection;
using System.Text;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Server.Hubs;
using MarketDelivery.Server.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>
/// Who may call what, for every endpoint the server maps and every hub method, against every kind of caller: anonymous,
/// two customers, merchants of two stalls, two couriers, staff of two markets and an admin. The endpoint list comes
/// from the running server, so an endpoint or hub method added without a row here (or without an access rule) fails.
/// A denied call is a 401 without a token and a 403 with one; an allowed call gets past authorization (its answer
/// may still be a 400 for the empty body the matrix sends, or a 404 or 409, but never 401, 403 or a 5xx).
/// </summary>
public sealed class AccessMatrixTests(AccessMatrixTests.Fixture fixture) : IClassFixture<AccessMatrixTests.Fixture>
{
    public enum Caller
    {
        Anonymous, CustomerA, CustomerB, MerchantA, MerchantB, CourierA, CourierB, StaffA, StaffB, Admin,
    }

    private const string Market = "amsa";
    private const string OtherMarket = "mangwon";
    private const string Stall = "amsa-chaeso";
    private const string OtherStall = "amsa-gwail";
    private const string Courier = "matrix-rider-a";
    private const string OtherCourier = "matrix-rider-b";
    private const string Customer = "matrix-customer-a";
    private const string OtherCustomer = "matrix-customer-b";

    private static readonly Caller[] Everyone = Enum.GetValues<Caller>();
    private static readonly Caller[] SignedIn = [.. Everyone.Where(c => c != Caller.Anonymous)];

    /// <summary>
    /// The rule of every endpoint, by method and route pattern: who is let through. A scope route value is always the
    /// "A" side's (market A, stall A, courier A, customer A's order), so each B caller is the cross-scope case.
    /// </summary>
    private static readonly Dictionary<string, Caller[]> HttpRules = new(StringComparer.Ordinal)
    {
        ["GET /app-config.json"] = Everyone,
        ["* /health"] = Everyone,
        ["* /health/live"] = Everyone,
        ["* /health/ready"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["GET /scalar/{documentName?}"] = Everyone,
        ["GET /scalar/scalar.js"] = Everyone,
        ["GET /scalar/scalar.aspnetcore.js"] = Everyone,
        ["GET /scalar/favicon.svg"] = Everyone,

        ["GET /api/markets"] = Everyone,
        ["GET /api/markets/{marketId}/catalog"] = Everyone,
        ["GET /api/markets/{marketId}/area.geojson"] = Everyone,
        ["GET /api/markets/{marketId}/orders"] = [Caller.StaffA, Caller.Admin],
        ["GET /api/markets/{marketId}/dispatch"] = [Caller.StaffA, Caller.Admin],
        ["POST /api/markets/{marketId}/dispatch/plan"] = [Caller.StaffA, Caller.Admin],
        ["GET /api/markets/{marketId}/fleet-advice"] = [Caller.StaffA, Caller.Admin],

        ["POST /api/orders"] = [Caller.CustomerA, Caller.CustomerB, Caller.Admin],
        ["GET /api/orders/{orderId}"] = [Caller.CustomerA, Caller.StaffA, Caller.Admin],
        ["GET /api/orders/{orderId}/courier"] = [Caller.CustomerA, Caller.StaffA, Caller.Admin],
        ["POST /api/orders/{orderId}/cancel"] = [Caller.CustomerA, Caller.StaffA, Caller.Admin],
        ["POST /api/orders/{orderId}/requeue"] = [Caller.StaffA, Caller.Admin],

        ["GET /api/stalls/{stallId}/tickets"] = [Caller.MerchantA, Caller.Admin],
        ["PUT /api/stalls/{stallId}/products/{sku}/availability"] = [Caller.MerchantA, Caller.Admin],
        ["GET /api/stalls/{stallId}/takings"] = [Caller.MerchantA, Caller.Admin],
        ["GET /api/customers/{customerId}/orders"] = [Caller.CustomerA, Caller.Admin],
        ["POST /api/orders/{orderId}/substitutions/{lineId}/approve"] = [Caller.CustomerA, Caller.Admin],
        ["POST /api/orders/{orderId}/substitutions/{lineId}/reject"] = [Caller.CustomerA, Caller.Admin],
        ["POST /api/stalls/{stallId}/tickets/{ticketId}/confirm"] = [Caller.MerchantA, Caller.Admin],

        ["PUT /api/couriers/{courierId}"] = [Caller.StaffA, Caller.Admin],
        ["GET /api/couriers/{courierId}"] = [Caller.CourierA, Caller.StaffA, Caller.Admin],
        ["GET /api/couriers/{courierId}/route.geojson"] = [Caller.CourierA, Caller.StaffA, Caller.Admin],
        ["POST /api/couriers/{courierId}/shift/start"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/shift/end"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/position"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/arrived"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/pickup"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/delivered"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/failed"] = [Caller.CourierA, Caller.Admin],
        ["POST /api/couriers/{courierId}/orders/{orderId}/photo"] = [Caller.CourierA, Caller.Admin],
        // Courier A is not (yet) the order's courier, so only its customer and its market's staff read its photos.
        ["GET /api/orders/{orderId}/photos/{photoId}"] = [Caller.CustomerA, Caller.StaffA, Caller.Admin],
        ["GET /api/orders/{orderId}/photo"] = [Caller.CustomerA, Caller.StaffA, Caller.Admin],

        ["GET /api/auth/me"] = SignedIn,
        ["POST /api/auth/sign-in"] = Everyone,
        ["POST /api/auth/code"] = Everyone,
        ["POST /api/auth/code/verify"] = Everyone,
        ["POST /api/auth/refresh"] = Everyone,
        ["POST /api/auth/sign-out"] = Everyone,
        ["POST /api/auth/accounts/{accountId}/revoke"] = [Caller.Admin],
        ["POST /api/dev/tokens"] = Everyone,

        ["* /hubs/market/negotiate"] = SignedIn,
        ["* /hubs/market"] = SignedIn,
    };

    /// <summary>Hub methods: who may call each with the A side's id.</summary>
    private static readonly Dictionary<string, Caller[]> HubRules = new(StringComparer.Ordinal)
    {
        [nameof(MarketHub.JoinStall)] = [Caller.MerchantA, Caller.Admin],
        [nameof(MarketHub.LeaveStall)] = SignedIn,
        [nameof(MarketHub.FollowOrder)] = [Caller.CustomerA, Caller.Admin],
        [nameof(MarketHub.UnfollowOrder)] = SignedIn,
        [nameof(MarketHub.JoinMarket)] = [Caller.StaffA, Caller.Admin],
        [nameof(MarketHub.LeaveMarket)] = SignedIn,
        [nameof(MarketHub.JoinCourier)] = [Caller.CourierA, Caller.StaffA, Caller.Admin],
        [nameof(MarketHub.LeaveCourier)] = SignedIn,
    };

    /// <summary>Endpoints the Orleans Dashboard maps for itself: open in Development (this server's environment), as documented.</summary>
    private const string DashboardPrefix = "/dashboard";

    [Fact]
    public void Every_endpoint_has_exactly_one_access_rule_and_a_row_in_the_matrix()
    {
        var endpoints = fixture.Endpoints();
        var problems = new List<string>();
        foreach (var (key, endpoint) in endpoints)
        {
            var open = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var guarded = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
            if (!open && !guarded)
            {
                problems.Add($"{key}: no access rule (neither .Rule(...) nor .Public())");
            }

            if (!key.Contains(DashboardPrefix, StringComparison.Ordinal) && !HttpRules.ContainsKey(key))
            {
                problems.Add($"{key}: no row in the access matrix");
            }
        }

        problems.AddRange(HttpRules.Keys.Where(k => !endpoints.ContainsKey(k)).Select(k => $"{k}: a row for an endpoint the server does not map"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_endpoint_lets_through_exactly_the_callers_its_rule_names()
    {
        var failures = new List<string>();
        var cells = 0;
        foreach (var (key, endpoint) in fixture.Endpoints().Where(e => HttpRules.ContainsKey(e.Key)))
        {
            var (method, path) = fixture.Request(key, endpoint);
            foreach (var caller in Everyone)
            {
                cells++;
                var status = await fixture.Send(caller, method, path);
                var allowed = HttpRules[key].Contains(caller);
                var denial = caller == Caller.Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                if (allowed ? status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)status >= 500 : status != denial)
                {
                    failures.Add($"{key} as {caller}: {(int)status}, expected {(allowed ? "to get through" : ((int)denial).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} cells wrong:\n{string.Join("\n", failures)}");
        Assert.True(cells >= 35 * Everyone.Length, $"only {cells} cells");
    }

    [Fact]
    public void Every_hub_method_has_an_access_rule_and_a_row_in_the_matrix()
    {
        var methods = HubMethods();
        var missing = methods.Where(m => m.GetCustomAttribute<HubAccessAttribute>() is null).Select(m => $"{m.Name}: no [HubAccess]")
            .Concat(methods.Where(m => !HubRules.ContainsKey(m.Name)).Select(m => $"{m.Name}: no row in the access matrix"))
            .Concat(HubRules.Keys.Where(k => methods.All(m => m.Name != k)).Select(k => $"{k}: a row for a method the hub does not have"))
            .ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_hub_method_lets_through_exactly_the_callers_its_rule_names()
    {
        // Without a token there is no connection at all.
        var anonymous = HubClient.Build(fixture.Server.BaseAddress, token: null);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await anonymous.DisposeAsync();

        var failures = new List<string>();
        foreach (var caller in SignedIn)
        {
            await using var connection = await HubClient.Connect(fixture.Server, fixture.Token(caller));
            foreach (var method in HubMethods())
            {
                var argument = fixture.ScopeOf(method.GetParameters().Single().Name!);
                string? refusal = null;
                try
                {
                    await connection.InvokeCoreAsync(method.Name, typeof(object), [argument]);
                }
                catch (HubException ex)
                {
                    refusal = ex.Message;
                }

                var allowed = HubRules[method.Name].Contains(caller);
                var denied = refusal?.Contains("Not allowed", StringComparison.Ordinal) == true;
                if (allowed == denied)
                {
                    failures.Add($"{method.Name}({argument}) as {caller}: {refusal ?? "ran"}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_OpenAPI_document_names_the_bearer_scheme_and_the_error_answers_of_every_api_operation()
    {
        using var http = TestTokens.Client(fixture.Server.BaseAddress, null);
        var paths = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
        var problems = new List<string>();
        var operations = 0;
        foreach (var (path, item) in paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                operations++;
                var key = $"{method.ToUpperInvariant()} {path}";
                var responses = operation!["responses"]!.AsObject();
                var secured = operation["security"] is System.Text.Json.Nodes.JsonArray { Count: > 0 };
                var open = HttpRules.TryGetValue(key, out var callers) && callers.Contains(Caller.Anonymous);
                if (secured == open)
                {
                    problems.Add($"{key}: security {(secured ? "named" : "missing")}");
                }

                foreach (var status in (open ? ["503"] : new[] { "401", "403", "503" }).Where(s => !responses.ContainsKey(s)))
                {
                    problems.Add($"{key}: no {status} answer documented");
                }
            }
        }

        var placeOrder = paths["/api/orders"]!["post"]!["responses"]!.AsObject();
        problems.AddRange(new[] { "400", "413", "422", "429" }.Where(s => !placeOrder.ContainsKey(s)).Select(s => $"POST /api/orders: no {s}"));
        Assert.True(problems.Count == 0 && operations >= 35, $"{operations} operations:\n{string.Join("\n", problems)}");
    }

    private static List<MethodInfo> HubMethods() =>
        [.. typeof(MarketHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName)];

    /// <summary>One server with two customers' orders, two couriers and the seed markets, shared by the matrix's tests.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly ServerFixture _server = new();
        private readonly Dictionary<Caller, HttpClient> _clients = [];

        public MarketServer Server => _server.Server;

        public string OrderId { get; private set; } = "";

        public string TicketId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await _server.InitializeAsync();
            foreach (var caller in Everyone)
            {
                _clients[caller] = TestTokens.Client(Server.BaseAddress, Token(caller));
            }

            var admin = _server.Http;
            foreach (var courier in new[] { Courier, OtherCourier })
            {
                var (status, body, _) = await admin.SendJson(HttpMethod.Put, $"/api/couriers/{courier}", new
                {
                    name = courier, district = "강동구", mode = "scooter", capacityGrams = 30_000, capacityBags = 8, marketIds = new[] { Market },
                });
                Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
            }

            var slot = await Baskets.OpenSlot(admin);
            var (placed, order, _) = await _clients[Caller.CustomerA].PlaceOrder(Baskets.TwoStallOrder(slot, Customer));
            Assert.True(placed == HttpStatusCode.Created, order?.ToJsonString());
            OrderId = (string)order!["orderId"]!;
            TicketId = (string)order["tickets"]!.AsArray().Single(t => (string)t!["stallId"]! == Stall)!["ticketId"]!;
            Assert.Equal(HttpStatusCode.Created, (await _clients[Caller.CustomerB].PlaceOrder(Baskets.TwoStallOrder(slot, OtherCustomer))).Status);
        }

        public async Task DisposeAsync()
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            await _server.DisposeAsync();
        }

        public string? Token(Caller caller) => caller switch
        {
            Caller.Anonymous => null,
            Caller.CustomerA => TestTokens.For(AccountRole.Customer, Customer),
            Caller.CustomerB => TestTokens.For(AccountRole.Customer, OtherCustomer),
            Caller.MerchantA => TestTokens.For(AccountRole.Merchant, Stall),
            Caller.MerchantB => TestTokens.For(AccountRole.Merchant, OtherStall),
            Caller.CourierA => TestTokens.For(AccountRole.Courier, Courier),
            Caller.CourierB => TestTokens.For(AccountRole.Courier, OtherCourier),
            Caller.StaffA => TestTokens.For(AccountRole.Staff, Market),
            Caller.StaffB => TestTokens.For(AccountRole.Staff, OtherMarket),
            _ => TestTokens.Admin,
        };

        /// <summary>The A side's id for a route value or hub argument name.</summary>
        public string ScopeOf(string name) => name switch
        {
            "marketId" => Market,
            "stallId" => Stall,
            "courierId" => Courier,
            "orderId" => OrderId,
            "ticketId" => TicketId,
            "customerId" => Customer,
            "accountId" => "amsa-staff",
            "documentName" => "v1",
            "sku" => "daepa",
            "lineId" => "1",
            _ => "matrix",
        };

        /// <summary>Every routed endpoint the server maps, keyed "METHOD /pattern" ("*" when it takes any method).</summary>
        public Dictionary<string, RouteEndpoint> Endpoints()
        {
            var endpoints = new Dictionary<string, RouteEndpoint>(StringComparer.Ordinal);
            foreach (var endpoint in Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            {
                var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
                foreach (var method in methods)
                {
                    endpoints.TryAdd($"{method} {pattern}", endpoint);
                }
            }

            return endpoints;
        }

        /// <summary>The request a row stands for: its route values filled with the A side's ids.</summary>
        public (HttpMethod Method, string Path) Request(string key, RouteEndpoint endpoint)
        {
            var method = key[..key.IndexOf(' ', StringComparison.Ordinal)];
            var path = new StringBuilder();
            foreach (var segment in endpoint.RoutePattern.PathSegments)
            {
                path.Append('/');
                foreach (var part in segment.Parts)
                {
                    path.Append(part switch
                    {
                        Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                        Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                        Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => parameter.IsCatchAll ? "index.html" : ScopeOf(parameter.Name),
                        _ => "",
                    });
                }
            }

            var target = path.Length == 0 ? "/" : path.ToString();
            if (target.EndsWith("/negotiate", StringComparison.Ordinal))
            {
                target += "?negotiateVersion=1";
            }

            return (method == "*" ? (target.Contains("/negotiate", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get) : new HttpMethod(method), target);
        }

        /// <summary>Sends an empty JSON object (or nothing, for a GET) as <paramref name="caller"/>.</summary>
        public async Task<HttpStatusCode> Send(Caller caller, HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, path);
            if (method != HttpMethod.Get)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await _clients[caller].SendAsync(request);
            return response.StatusCode;
        }
    }
}
