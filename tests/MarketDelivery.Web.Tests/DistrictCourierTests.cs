using System.Globalization;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// A courier of the district gangdong (암사 and 길동) gets one route with pick-ups at both markets: the phone names the
/// market of each pick-up, sends the courier to the right hand-over point, and 암사's board marks 길동's stops.
/// </summary>
public sealed class DistrictCourierTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string CourierId = "gangdong-courier-1";
    private const string Amsa = "암사종합시장";
    private const string Gildong = "길동복조리시장";

    static DistrictCourierTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task A_courier_of_two_markets_sees_at_which_market_each_pickup_waits()
    {
        await ApiCalls.RegisterCourier(fixture.Http, CourierId, "amsa", "gildong");
        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        await phone.Clock.SetFixedTimeAsync(MarketServer.DefaultNow.UtcDateTime);
        await phone.GotoAsync("/courier/");
        await phone.GetByTestId("account").FillAsync(CourierId);
        await phone.GetByTestId("pin").FillAsync("2468");
        await phone.GetByTestId("sign-in").ClickAsync();
        await phone.GetByTestId("shift-hours").SelectOptionAsync("6"); // past the first slot, whatever hour it starts
        await phone.GetByTestId("start-shift").ClickAsync();
        await Expect(phone.GetByTestId("end-shift")).ToBeVisibleAsync();
        await Expect(phone.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");

        // The courier waits at 길동's hand-over point, so the plan collects there first although 암사 is the home market.
        var courier = await ApiCalls.DevToken(fixture.Http, "courier", CourierId);
        await ApiCalls.Send(fixture.Http, HttpMethod.Post, $"/api/couriers/{CourierId}/position", courier, new { lat = 37.5379, lon = 127.1402 });

        var atAmsa = await ApiCalls.PlaceOrder(fixture.Http, "cu-district-1", "amsa-dubu", "son-dubu");
        var atGildong = await ApiCalls.PlaceOrder(fixture.Http, "cu-district-2", "gildong-chaeso", "siguemchi", "gildong");
        await ApiCalls.ConfirmPicked(fixture.Http, atAmsa, "son-dubu");
        await ApiCalls.ConfirmPicked(fixture.Http, atGildong, "siguemchi");
        var amsaOrder = (string)atAmsa["orderId"]!;
        var gildongOrder = (string)atGildong["orderId"]!;
        Assert.Equal((string)atAmsa["slotStart"]!, (string)atGildong["slotStart"]!);

        // Both waves are due; 길동's staff plan first (through the API), then 암사's on their board: one district plan.
        var board = await fixture.NewUserPage(WebAppFixture.Tablet);
        await board.GotoAsync("/board/");
        await board.GetByTestId("account").FillAsync("amsa-staff");
        await board.GetByTestId("password").FillAsync("demo-staff-2026");
        await board.GetByTestId("sign-in").ClickAsync();
        await Expect(board.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        var slotStart = DateTimeOffset.Parse((string)atAmsa["slotStart"]!, CultureInfo.InvariantCulture);
        fixture.Server.Time.SetUtcNow(slotStart.AddMinutes(-44));
        await ApiCalls.Send(fixture.Http, HttpMethod.Post, "/api/markets/gildong/dispatch/plan", await ApiCalls.DevToken(fixture.Http, "staff", "gildong"));
        await board.GetByTestId("plan-now").ClickAsync();

        // The phone: each pick-up names its own market's hand-over point, and only that one.
        var amsaPickup = phone.GetByTestId($"stop-pickup-{amsaOrder}");
        var gildongPickup = phone.GetByTestId($"stop-pickup-{gildongOrder}");
        await Expect(amsaPickup.GetByTestId("stop-market")).ToHaveTextAsync($"{Amsa} 배송 집하장");
        await Expect(gildongPickup.GetByTestId("stop-market")).ToHaveTextAsync($"{Gildong} 배송 집하장");
        await Expect(amsaPickup).Not.ToContainTextAsync(Gildong);
        await Expect(gildongPickup).Not.ToContainTextAsync(Amsa);
        await Expect(phone.GetByTestId($"stop-delivery-{amsaOrder}").GetByTestId("stop-market")).ToHaveCountAsync(0);
        await Expect(phone.GetByTestId("next-market")).ToHaveTextAsync(Gildong);
        await PageChecks.CheckAtBothSizes(phone, "courier-district-route");

        // 암사's board shows the courier's whole route: 길동's stops are marked as another market's.
        var boardGildong = board.GetByTestId($"route-stop-pickup-{gildongOrder}");
        await Expect(boardGildong).ToHaveAttributeAsync("data-other-market", "true");
        await Expect(boardGildong).ToContainTextAsync($"다른 시장: {Gildong}");
        await Expect(board.GetByTestId($"route-stop-delivery-{gildongOrder}")).ToHaveAttributeAsync("data-other-market", "true");
        var boardAmsa = board.GetByTestId($"route-stop-pickup-{amsaOrder}");
        await Expect(boardAmsa).ToHaveAttributeAsync("data-other-market", "false");
        await Expect(boardAmsa).ToContainTextAsync($"{Amsa} 배송 집하장");
        await Expect(boardAmsa).Not.ToContainTextAsync("다른 시장");
        await PageChecks.CheckAtBothSizes(board, "board-district-route");

        // Arrived is at 길동's hand-over point (not the home market's), so the bag waiting there can be collected.
        await phone.GetByTestId("arrived").ClickAsync();
        await Expect(phone.GetByTestId("arrived")).ToHaveAttributeAsync("aria-pressed", "true");
        await phone.GetByTestId("picked-up").ClickAsync();
        await Expect(gildongPickup).ToHaveCountAsync(0);
        await Expect(phone.GetByTestId("pending-actions")).ToHaveAttributeAsync("data-count", "0");
        await Expect(phone.Locator("#message")).ToBeHiddenAsync();
        await Expect(amsaPickup.GetByTestId("stop-market")).ToHaveTextAsync($"{Amsa} 배송 집하장");
        var afterPickup = await ApiCalls.Send(fixture.Http, HttpMethod.Get, $"/api/couriers/{CourierId}", courier);
        Assert.Equal([gildongOrder], afterPickup["onBoardOrderIds"]!.AsArray().Select(o => (string)o!));
    }
}
