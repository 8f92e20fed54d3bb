using MarketDelivery.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// The sign-in the apps share: on the merchant, courier and board pages a wrong PIN or password is told, an account
/// without the app's role is refused, the session survives a reload and sign-out ends it; the customer signs out too.
/// </summary>
public sealed class SignInTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static SignInTests() => SetDefaultExpectTimeout(30_000);

    [Theory]
    [InlineData("merchant", "pin", "amsa-gwail", "135790", "amsa-courier-1", "2468", "이 계정은 가게 계정이 아닙니다.", "tickets")]
    [InlineData("courier", "pin", "amsa-courier-2", "2468", "amsa-gwail", "135790", "이 계정은 배달 기사 계정이 아닙니다.", "unregistered")]
    [InlineData("board", "password", "amsa-staff", "demo-staff-2026", "amsa-gwail", "135790", "이 계정은 상인회(시장 운영) 계정이 아닙니다.", "board")]
    public async Task Sign_in_refuses_a_wrong_secret_and_another_role_keeps_the_session_and_signs_out(
        string app, string secretField, string account, string secret, string otherRoleAccount, string otherRoleSecret, string notInRole, string signedInView)
    {
        var page = await fixture.NewUserPage(WebAppFixture.Tablet);
        await page.GotoAsync($"/{app}/");
        var signInView = page.Locator("#view-signin");
        var message = page.Locator("#message");
        await Expect(signInView).ToBeVisibleAsync();
        await Expect(page.GetByTestId("sign-out")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("connection-state")).ToBeHiddenAsync();

        await SignIn(account, "99999999");
        await Expect(message).ToHaveTextAsync("아이디나 PIN이 맞지 않습니다.");
        await Expect(signInView).ToBeVisibleAsync();

        await SignIn(otherRoleAccount, otherRoleSecret);
        await Expect(message).ToHaveTextAsync(notInRole);
        await Expect(signInView).ToBeVisibleAsync();

        await SignIn(account, secret);
        await Expect(page.Locator($"#view-{signedInView}")).ToBeVisibleAsync();
        await Expect(signInView).ToBeHiddenAsync();
        await Expect(page.GetByTestId(secretField)).ToHaveValueAsync("");
        await Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("connection-state")).ToBeVisibleAsync();

        // The session is kept in this browser: a reload opens the app signed in.
        await page.ReloadAsync();
        await Expect(page.Locator($"#view-{signedInView}")).ToBeVisibleAsync();

        // Signing out reloads the page, so nothing of the account stays on it.
        await page.RunAndWaitForResponseAsync(() => page.GetByTestId("sign-out").ClickAsync(), r => r.Request.ResourceType == "document");
        await Expect(signInView).ToBeVisibleAsync();
        await Expect(page.GetByTestId("sign-out")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>($"localStorage.getItem('md.session.{app}')"));

        async Task SignIn(string id, string password)
        {
            await page.GetByTestId("account").FillAsync(id);
            await page.GetByTestId(secretField).FillAsync(password);
            await page.GetByTestId("sign-in").ClickAsync();
        }
    }

    [Fact]
    public async Task A_customer_signs_out_to_the_phone_sign_in()
    {
        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        await phone.GotoAsync("/customer/");
        await phone.GetByLabel("휴대폰 번호", new() { Exact = true }).FillAsync("010-5678-1234");
        await phone.GetByTestId("send-code").ClickAsync();
        await Expect(phone.GetByTestId("code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[0-9]{6}$"));
        await phone.GetByTestId("verify-code").ClickAsync();
        await Expect(phone.GetByTestId("market-amsa")).ToBeVisibleAsync();

        await phone.GetByTestId("sign-out").ClickAsync();
        await Expect(phone.Locator("#view-signin")).ToBeVisibleAsync();
        await Expect(phone.GetByTestId("sign-out")).ToBeHiddenAsync();
        Assert.Null(await phone.EvaluateAsync<string?>("localStorage.getItem('md.session.customer')"));
    }
}
