using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>Staff-type sign-in, lockout, refresh rotation and revocation, and the claims of a token, on PostgreSQL.</summary>
public sealed class SignInTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_demo_merchant_signs_in_and_the_token_carries_roles_and_scope_ids()
    {
        var (status, body, _) = await Http.SignIn("amsa-chaeso", "135790");
        Assert.Equal(HttpStatusCode.OK, status);
        var access = body!["accessToken"]!.GetValue<string>();
        Assert.Equal("Bearer", body["tokenType"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["refreshToken"]!.GetValue<string>()));

        var claims = AuthCalls.Payload(access);
        Assert.Equal("amsa-chaeso", claims["sub"]!.GetValue<string>());
        Assert.Equal(["merchant", "staff"], AuthCalls.Claim(claims, "role").Order().ToArray());
        Assert.Equal(["amsa-chaeso"], AuthCalls.Claim(claims, "stall"));
        Assert.Equal(["amsa"], AuthCalls.Claim(claims, "market"));
        var lifetime = claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>();
        Assert.Equal(15 * 60, lifetime);

        var (meStatus, me) = await Http.GetAs("/api/auth/me", access);
        Assert.Equal(HttpStatusCode.OK, meStatus);
        Assert.Equal("amsa-chaeso", me!["subject"]!.GetValue<string>());
        Assert.Contains(me["roles"]!.AsArray(), r => r!["role"]!.GetValue<string>() == "merchant" && r["scopeId"]!.GetValue<string>() == "amsa-chaeso");
    }

    [Fact]
    public async Task Me_without_a_token_or_with_a_forged_one_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAs("/api/auth/me", null)).Status);
        var (_, body, _) = await Http.SignIn("suyu-courier-1", "2468");
        var token = body!["accessToken"]!.GetValue<string>();
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAs("/api/auth/me", forged)).Status);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_id_answer_alike()
    {
        var (wrongStatus, wrong, _) = await Http.SignIn("amsa-gwail", "000000");
        var (unknownStatus, unknown, _) = await Http.SignIn("no-such-account", "000000");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownStatus);
        Assert.Equal(wrong!["title"]!.ToJsonString(), unknown!["title"]!.ToJsonString());
        Assert.Equal(wrong["detail"]!.ToJsonString(), unknown["detail"]!.ToJsonString());
    }

    [Fact]
    public async Task Five_failures_lock_the_account_for_five_minutes_even_against_the_right_password()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SignIn("mangwon-courier-1", "9999")).Status);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SignIn("mangwon-courier-1", "2468")).Status);
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SignIn("mangwon-courier-1", "2468")).Status);
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await Http.SignIn("mangwon-courier-1", "2468")).Status);
    }

    [Fact]
    public async Task A_refresh_token_rotates_and_a_reused_one_revokes_the_session()
    {
        var (_, signedIn, _) = await Http.SignIn("tongin-staff", "demo-staff-2026");
        var first = signedIn!["refreshToken"]!.GetValue<string>();

        var (status, refreshed, _) = await Http.PostJson("/api/auth/refresh", new { refreshToken = first });
        Assert.Equal(HttpStatusCode.OK, status);
        var second = refreshed!["refreshToken"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        Assert.Equal(["tongin"], AuthCalls.Claim(AuthCalls.Payload(refreshed["accessToken"]!.GetValue<string>()), "market"));

        // The rotated-away token presented again looks stolen: it fails and takes its session with it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = first })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = second })).Status);
    }

    [Fact]
    public async Task Sign_out_revokes_the_refresh_token_and_other_devices_stay_signed_in()
    {
        var (_, tablet, _) = await Http.SignIn("namguro-chaeso", "135790");
        var (_, phone, _) = await Http.SignIn("namguro-chaeso", "135790");
        var tabletToken = tablet!["refreshToken"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NoContent, (await Http.PostJson("/api/auth/sign-out", new { refreshToken = tabletToken })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = tabletToken })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/auth/refresh", new { refreshToken = phone!["refreshToken"]!.GetValue<string>() })).Status);
        // Signing out twice, or with a token that is not ours, is still a 204: nothing to tell.
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PostJson("/api/auth/sign-out", new { refreshToken = tabletToken })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PostJson("/api/auth/sign-out", new { refreshToken = "garbage" })).Status);
    }

    [Theory]
    [InlineData("""{"password": "1234"}""", "id")]
    [InlineData("""{"id": "amsa chaeso", "password": "1234"}""", "id")]
    [InlineData("""{"id": "amsa-chaeso"}""", "password")]
    [InlineData("""{"id": "amsa-chaeso", "password": "a\u0000b"}""", "password")]
    public async Task Bad_sign_in_input_is_a_400_naming_the_field(string body, string field)
    {
        var (status, problem, _) = await Http.PostJson("/api/auth/sign-in", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task A_malformed_refresh_token_is_401_and_a_missing_one_400()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = "s.!!!.x.y" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = "c.MDEwMTIzNDU2Nzg.abc.def" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/auth/refresh", "{}")).Status);
    }

    [Fact]
    public async Task Dev_tokens_in_Development_carry_the_role_and_scope()
    {
        var (status, body, _) = await Http.PostJson("/api/dev/tokens", new { role = "courier", id = "amsa-courier-9" });
        Assert.Equal(HttpStatusCode.OK, status);
        var token = body!["accessToken"]!.GetValue<string>();
        Assert.Equal(["amsa-courier-9"], AuthCalls.Claim(AuthCalls.Payload(token), "courier"));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAs("/api/auth/me", token)).Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/dev/tokens", new { role = "root", id = "x" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJson("/api/dev/tokens", new { role = "admin" })).Status);
    }

    [Fact]
    public async Task An_account_keeps_at_most_ten_sessions_so_its_state_does_not_grow_with_use()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var (_, body, _) = await Http.SignIn("suyu-chaeso", "135790");
            tokens.Add(body!["refreshToken"]!.GetValue<string>());
        }

        // The two oldest sessions made room for the newest.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = tokens[0] })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = tokens[1] })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/auth/refresh", new { refreshToken = tokens[2] })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostJson("/api/auth/refresh", new { refreshToken = tokens[11] })).Status);
    }

    [Fact]
    public async Task An_admin_revokes_every_session_of_a_lost_tablet_and_nobody_else_may()
    {
        var (_, tablet, _) = await Http.SignIn("gyeongdong-courier-2", "2468");
        var refresh = tablet!["refreshToken"]!.GetValue<string>();
        var courierToken = tablet["accessToken"]!.GetValue<string>();
        var (_, admin, _) = await Http.SignIn("admin", "demo-admin-2026");
        var adminToken = admin!["accessToken"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Unauthorized, await Revoke("gyeongdong-courier-2", null));
        Assert.Equal(HttpStatusCode.Forbidden, await Revoke("gyeongdong-courier-2", courierToken));
        Assert.Equal(HttpStatusCode.NotFound, await Revoke("no-such-account", adminToken));
        Assert.Equal(HttpStatusCode.NoContent, await Revoke("gyeongdong-courier-2", adminToken));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostJson("/api/auth/refresh", new { refreshToken = refresh })).Status);
    }

    private async Task<HttpStatusCode> Revoke(string accountId, string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/auth/accounts/{accountId}/revoke");
        if (accessToken is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }
}
