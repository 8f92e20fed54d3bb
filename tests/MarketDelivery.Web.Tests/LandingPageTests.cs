using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

public sealed class LandingPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task The_root_is_a_landing_page_linking_the_apps_and_the_API_reference_in_Korean_then_English()
    {
        var page = await fixture.NewUserPage(WebAppFixture.Phone);
        await page.GotoAsync("/");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "전통시장 당일배송" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("app-customer")).ToHaveAttributeAsync("href", "/customer/");
        await Expect(page.GetByTestId("app-merchant")).ToHaveAttributeAsync("href", "/merchant/");
        await Expect(page.GetByTestId("app-courier")).ToHaveAttributeAsync("href", "/courier/");
        await Expect(page.GetByTestId("app-board")).ToHaveAttributeAsync("href", "/board/");
        await Expect(page.GetByTestId("app-api")).ToHaveAttributeAsync("href", "/scalar/v1");
        await PageChecks.CheckAtBothSizes(page, "landing-ko");

        // English second, and remembered on this device.
        await page.GetByTestId("language-switch").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Same-day market delivery" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Same-day market delivery" })).ToBeVisibleAsync();
        await PageChecks.CheckAtBothSizes(page, "landing-en");

        await page.GetByTestId("app-api").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/scalar/v1"));
    }
}
