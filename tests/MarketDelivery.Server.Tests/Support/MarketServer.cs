using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Domain;
using MarketDelivery.Server.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>
/// The real server on a real Kestrel port, with its co-hosted silo on PostgreSQL and a business clock the test
/// controls. Several instances on one database form one cluster (ADO.NET clustering).
/// </summary>
public sealed class MarketServer : WebApplicationFactory<Program>
{
    /// <summary>12:30 in Seoul on a Monday: the 11:00 slot's cut-off (10:00) has passed, the 15:00 slot is open.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 23, 12, 30, 0, TimeSpan.FromHours(9));

    private readonly string _postgres;
    private readonly string _clusterId;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Extra registrations for one test's server (a test-only middleware, say).</param>
    public MarketServer(string postgresConnectionString, FakeTimeProvider? time = null, string clusterId = "test", Action<IServiceCollection>? services = null)
    {
        _postgres = postgresConnectionString;
        _clusterId = clusterId;
        _services = services;
        Time = time ?? new FakeTimeProvider(DefaultNow);
        UseKestrel(0);
    }

    public FakeTimeProvider Time { get; }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>Starts the server and returns a client for its real address, signed in as an admin (who may do anything).</summary>
    public HttpClient Start()
    {
        StartServer();
        return TestTokens.Client(BaseAddress, TestTokens.Admin);
    }

    /// <summary>A client signed in with one role and its scope (a customer, stall, courier or market id).</summary>
    public HttpClient ClientAs(AccountRole role, string? scopeId) => TestTokens.Client(BaseAddress, TestTokens.For(role, scopeId));

    /// <summary>A client without a token.</summary>
    public HttpClient Anonymous() => TestTokens.Client(BaseAddress, null);

    public Uri BaseAddress
    {
        get
        {
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Postgres", _postgres);
        builder.UseSetting("Orleans:ClusterId", _clusterId);
        builder.UseSetting("Auth:SigningKey", TestTokens.SigningKey);
        builder.UseFreeSiloPorts();
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new MarketClock(Time));
            _services?.Invoke(services);
        });
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        MarketDeliveryHost.ConfigureJson(json);
        return json;
    }
}

/// <summary>Small helpers to speak JSON to the API the way a client app would.</summary>
public static class ApiClientExtensions
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendJson(
        this HttpClient http, HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: MarketServer.Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text), response);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostJson(this HttpClient http, string path, object? body, string? idempotencyKey = null) =>
        http.SendJson(HttpMethod.Post, path, body, idempotencyKey);

    /// <summary>Places an order under a new Idempotency-Key, as a client app does for each new order.</summary>
    public static Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PlaceOrder(this HttpClient http, object body) =>
        http.PostJson("/api/orders", body, idempotencyKey: Guid.NewGuid().ToString("N"));

    public static async Task<JsonNode> GetJson(this HttpClient http, string path)
    {
        var (status, body, _) = await http.SendJson(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body?.ToJsonString()}");
        return body!;
    }
}
