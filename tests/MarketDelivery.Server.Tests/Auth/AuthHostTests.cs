using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>What depends on the environment and on start-up: dev tokens, the kept signing key, rate limits, OpenAPI.</summary>
public sealed class AuthHostTests
{
    [Fact]
    public async Task Dev_tokens_do_not_exist_outside_Development()
    {
        await using var host = new AuthHost("Production", new Dictionary<string, string?> { ["Storage:Kind"] = "Memory" });
        using var http = host.CreateClient();
        var (status, _, _) = await http.PostJson("/api/dev/tokens", new { role = "admin", id = "x" });
        Assert.Equal(HttpStatusCode.NotFound, status);

        // The sign-in itself is there, but the demo accounts (public secrets) are off outside Development by default,
        // and a code request does not return the code.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SignIn("admin", "demo-admin-2026")).Status);
        var (codeStatus, code, _) = await http.PostJson("/api/auth/code", new { phone = "010-2222-0001" });
        Assert.Equal(HttpStatusCode.Accepted, codeStatus);
        Assert.Null(code!["devCode"]);
    }

    [Fact]
    public async Task On_the_embedded_default_a_restarted_server_accepts_a_token_issued_before()
    {
        var directory = Directory.CreateTempSubdirectory("md-auth-");
        try
        {
            var settings = new Dictionary<string, string?> { ["Storage:Kind"] = "Sqlite", ["Storage:Sqlite"] = Path.Combine(directory.FullName, "md.db") };
            string token;
            await using (var first = new AuthHost("Development", settings))
            {
                using var http = first.CreateClient();
                var (_, body, _) = await http.SignIn("gyeongdong-staff", "demo-staff-2026");
                token = body!["accessToken"]!.GetValue<string>();
                Assert.Equal(HttpStatusCode.OK, (await http.GetAs("/api/auth/me", token)).Status);
            }

            await using var second = new AuthHost("Development", settings);
            using var again = second.CreateClient();
            var (status, me) = await again.GetAs("/api/auth/me", token);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("gyeongdong-staff", me!["subject"]!.GetValue<string>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Sign_in_beyond_the_rate_limit_is_429_with_Retry_After_and_the_OpenAPI_names_the_bearer_scheme()
    {
        await using var host = new AuthHost("Development", new Dictionary<string, string?>
        {
            ["Storage:Kind"] = "Memory",
            ["Auth:RateLimits:SignIn"] = "2",
        });
        using var http = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SignIn("admin", "wrong")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SignIn("admin", "wrong")).Status);
        var (status, problem, response) = await http.SignIn("admin", "demo-admin-2026");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(429, problem!["status"]!.GetValue<int>());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        var openApi = await http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"securitySchemes\"", openApi, StringComparison.Ordinal);
        Assert.Contains("\"bearer\"", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_Development_demo_accounts_can_be_turned_on_and_a_configured_key_signs()
    {
        await using var host = new AuthHost("Production", new Dictionary<string, string?>
        {
            ["Storage:Kind"] = "Memory",
            ["Auth:DemoAccounts"] = "true",
            ["Auth:SigningKey"] = "a-signing-key-of-at-least-32-characters!",
        });
        using var http = host.CreateClient();
        var (status, body, _) = await http.SignIn("admin", "demo-admin-2026");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAs("/api/auth/me", body!["accessToken"]!.GetValue<string>())).Status);
    }

    [Fact]
    public async Task A_configured_signing_key_shorter_than_32_characters_stops_the_start()
    {
        await using var host = new AuthHost("Development", new Dictionary<string, string?> { ["Storage:Kind"] = "Memory", ["Auth:SigningKey"] = "short" });
        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        Assert.Contains("Auth:SigningKey", error.ToString(), StringComparison.Ordinal);
    }
}
