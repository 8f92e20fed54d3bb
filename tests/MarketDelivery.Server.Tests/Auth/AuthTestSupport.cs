using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MarketDelivery.Server.Auth;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>
/// A server without PostgreSQL (in-memory or SQLite storage) in a chosen environment with chosen settings, served in
/// memory: for what depends on the environment or on start-up (dev tokens, the kept signing key, rate limits).
/// </summary>
public sealed class AuthHost(string environment, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseFreeSiloPorts();
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>One PostgreSQL-backed server with rate limits high enough for the sign-in tests of a class.</summary>
public sealed class AuthFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public MarketServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Server = new MarketServer(_database.ConnectionString, services: services =>
            services.AddSingleton(new AuthSettings { SignInPermits = 10_000, CodePermits = 10_000, VerifyPermits = 10_000 }));
        Http = Server.Start();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        await _database!.DisposeAsync();
    }
}

public static class AuthCalls
{
    public static Task<(System.Net.HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SignIn(this HttpClient http, string id, string password) =>
        http.PostJson("/api/auth/sign-in", new { id, password });

    /// <summary>GET with a bearer token.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonNode? Body)> GetAs(this HttpClient http, string path, string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text));
    }

    /// <summary>The payload of a JWT, read without checking it (the server checks).</summary>
    public static JsonObject Payload(string jwt) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!.AsObject();

    /// <summary>A claim's values, whether the token holds one value or an array.</summary>
    public static IReadOnlyList<string> Claim(JsonObject payload, string name) => payload[name] switch
    {
        null => [],
        JsonArray many => [.. many.Select(v => v!.GetValue<string>())],
        var one => [one.GetValue<string>()],
    };
}
