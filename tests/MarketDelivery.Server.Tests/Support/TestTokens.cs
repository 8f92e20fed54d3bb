using System.Net.Http.Headers;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Server.Auth;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>
/// Access tokens for tests, signed with the key the test servers are configured with (<c>Auth:SigningKey</c>), the
/// way a deployment with a configured key shares it between servers. Each names one role and its scope id.
/// </summary>
public static class TestTokens
{
    public const string SigningKey = "test-only signing key: never a real deployment's";

    private static readonly AuthSettings Settings = new() { SigningKey = SigningKey, AccessTokenLifetime = TimeSpan.FromHours(3) };
    private static readonly TokenIssuer Issuer = new(new SigningKeys(Settings), Settings);

    public static string Admin { get; } = For(AccountRole.Admin, null);

    public static string For(AccountRole role, string? scopeId) =>
        Issuer.Issue(new AccountIdentity($"test-{role}-{scopeId}".ToLowerInvariant(), $"test {role} {scopeId}", [new RoleGrant(role, scopeId)])).Token;

    /// <summary>One person holding several roles (a merchant who is also market staff, say).</summary>
    public static string For(params RoleGrant[] roles) =>
        Issuer.Issue(new AccountIdentity("test-" + string.Join('-', roles.Select(r => $"{r.Role}-{r.ScopeId}")).ToLowerInvariant(), "test", [.. roles])).Token;

    /// <summary>A client of <paramref name="baseAddress"/> that sends <paramref name="token"/>, or none when it is null.</summary>
    public static HttpClient Client(Uri baseAddress, string? token)
    {
        // A request that asks "Expect: 100-continue" (a large upload) waits for the server's answer before sending its
        // body, however slow the server is under load, rather than the handler's default second.
        var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) };
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
