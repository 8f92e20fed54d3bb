using System.Net;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Auth;

/// <summary>Customers by phone: codes expire, are used once, allow a few guesses, and are not resent at once.</summary>
public sealed class OneTimeCodeTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private HttpClient Http => fixture.Http;

    private async Task<string> RequestCode(string phone)
    {
        var (status, body, _) = await Http.PostJson("/api/auth/code", new { phone });
        Assert.Equal(HttpStatusCode.Accepted, status);
        return body!["devCode"]!.GetValue<string>();
    }

    private Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage Response)> Verify(string phone, string code) =>
        Http.PostJson("/api/auth/code/verify", new { phone, code });

    private static string Wrong(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_code_signs_a_customer_in_once_and_the_customer_id_stays_the_same()
    {
        var code = await RequestCode("010-1111-0001");
        var (status, body, _) = await Verify("01011110001", code);
        Assert.Equal(HttpStatusCode.OK, status);
        var claims = AuthCalls.Payload(body!["accessToken"]!.GetValue<string>());
        Assert.Equal(["customer"], AuthCalls.Claim(claims, "role"));
        var customerId = AuthCalls.Claim(claims, "customer").Single();
        Assert.Equal(customerId, claims["sub"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Verify("010-1111-0001", code)).Status);

        fixture.Server.Time.Advance(TimeSpan.FromSeconds(31));
        var (_, again, _) = await Verify("010-1111-0001", await RequestCode("010-1111-0001"));
        Assert.Equal(customerId, AuthCalls.Claim(AuthCalls.Payload(again!["accessToken"]!.GetValue<string>()), "customer").Single());
    }

    [Fact]
    public async Task A_code_expires_after_five_minutes()
    {
        var code = await RequestCode("010-1111-0002");
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Verify("010-1111-0002", code)).Status);
    }

    [Fact]
    public async Task Five_wrong_guesses_void_the_code()
    {
        var code = await RequestCode("010-1111-0003");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Verify("010-1111-0003", Wrong(code))).Status);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Verify("010-1111-0003", code)).Status);
    }

    [Fact]
    public async Task A_new_code_right_away_is_429_with_Retry_After()
    {
        await RequestCode("010-1111-0004");
        var (status, _, response) = await Http.PostJson("/api/auth/code", new { phone = "010-1111-0004" });
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Theory]
    [InlineData("""{"phone": "12"}""", "phone")]
    [InlineData("""{"phone": "010-abcd-0000"}""", "phone")]
    [InlineData("""{}""", "phone")]
    public async Task A_bad_phone_is_a_400(string body, string field)
    {
        var (status, problem, _) = await Http.PostJson("/api/auth/code", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task A_code_that_is_not_six_digits_is_a_400()
    {
        var (status, problem, _) = await Verify("010-1111-0005", "12a456");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["code"]);
    }
}
