using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// The board's fleet advice on its own server: staff sign in and see tomorrow's couriers per hour once the server has
/// simulated the day (amsa has no history here, so the demand model is the basis); amsa shares its couriers with
/// 길동복조리시장, so the board says the advice is the district's; another day can be picked.
/// </summary>
public sealed class BoardFleetAdviceTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static BoardFleetAdviceTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Staff_see_tomorrows_couriers_per_hour_and_the_basis_of_the_advice()
    {
        var board = await fixture.NewUserPage(WebAppFixture.Tablet);
        await board.GotoAsync("/board/");
        await board.GetByLabel("아이디", new() { Exact = true }).FillAsync("amsa-staff");
        await board.GetByLabel("비밀번호", new() { Exact = true }).FillAsync("demo-staff-2026");
        await board.GetByTestId("sign-in").ClickAsync();

        // The simulation takes seconds on a busy machine; the board asks again after each 202's Retry-After.
        var hours = board.GetByTestId("advice-hours");
        await Expect(hours).ToBeVisibleAsync(new() { Timeout = 360_000 });
        await Expect(board.GetByTestId("advice-date")).ToHaveValueAsync("2026-11-24"); // the test server's tomorrow
        await Expect(board.GetByTestId("advice-basis")).ToHaveAttributeAsync("data-basis", "model");
        await Expect(board.GetByTestId("advice-basis")).ToContainTextAsync("수요 모델");
        await Expect(board.GetByTestId("advice-summary")).ToContainTextAsync("하루 근무 기사");
        await Expect(board.GetByTestId("advice-district")).ToContainTextAsync("강동 권역");
        await Expect(board.GetByTestId("advice-district")).ToContainTextAsync("암사종합시장 · 길동복조리시장");
        // amsa and gildong open 09:00–21:00: a row per hour, and couriers in the hours of their delivery windows (11:00–21:00).
        await Expect(hours.Locator("tbody tr")).ToHaveCountAsync(12);
        await Expect(board.GetByTestId("advice-hour-09")).ToBeVisibleAsync();
        await Expect(board.GetByTestId("advice-hour-20")).ToBeVisibleAsync();
        var peakRow = await board.GetByTestId("advice-hour-11").Locator("td").First.InnerTextAsync();
        Assert.Matches("^[1-9][0-9]*명$", peakRow.Trim());
        await PageChecks.CheckAtBothSizes(board, "board-fleet-advice");

        // A day out of range is refused with the server's reason, and the advice is cleared.
        await board.GetByTestId("advice-date").FillAsync("2026-12-24");
        await board.GetByTestId("advice-show").ClickAsync();
        await Expect(board.GetByTestId("advice-status")).ToContainTextAsync("7");
        await Expect(hours).ToHaveCountAsync(0);
    }
}
