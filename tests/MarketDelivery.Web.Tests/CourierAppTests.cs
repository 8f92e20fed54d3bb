using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// The courier's phone on its own server (the test moves the business clock to the wave's release): registered by staff, start the
/// shift, receive the route live once staff press "plan now" on the market board, arrive, collect, deliver with the
/// customer's code; the board follows the order live.
/// </summary>
public sealed class CourierAppTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static CourierAppTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Staff_register_a_courier_who_starts_a_shift_and_follows_the_route_to_the_delivery()
    {
        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        // The phone's clock shows the server's business time (the shift's planned end is computed from it).
        await phone.Clock.SetFixedTimeAsync(MarketServer.DefaultNow.UtcDateTime);
        await phone.GotoAsync("/courier/");
        await PageChecks.CheckAtBothSizes(phone, "courier-sign-in");
        await phone.GetByLabel("아이디", new() { Exact = true }).FillAsync("amsa-courier-1");
        await phone.GetByLabel("PIN", new() { Exact = true }).FillAsync("2468");
        await phone.GetByTestId("sign-in").ClickAsync();
        // Not registered yet: only market staff register couriers.
        await Expect(phone.GetByTestId("unregistered")).ToBeVisibleAsync();
        await PageChecks.CheckAtBothSizes(phone, "courier-unregistered");

        // Market staff sign in on the board (a tablet) and register the courier for their market.
        var board = await fixture.NewUserPage(WebAppFixture.Tablet);
        await board.GotoAsync("/board/");
        await PageChecks.CheckAtBothSizes(board, "board-sign-in");
        await board.GetByLabel("아이디", new() { Exact = true }).FillAsync("amsa-staff");
        await board.GetByLabel("비밀번호", new() { Exact = true }).FillAsync("demo-staff-2026");
        await board.GetByTestId("sign-in").ClickAsync();
        await Expect(board.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        await board.GetByTestId("register-courier-id").FillAsync("amsa-courier-1");
        await board.GetByTestId("register-courier-name").FillAsync("김배달");
        await board.GetByTestId("register-courier-mode").SelectOptionAsync("bicycle");
        await board.GetByTestId("register-courier").ClickAsync();
        await Expect(board.GetByTestId("register-message")).ToContainTextAsync("amsa-courier-1");
        await PageChecks.CheckAtBothSizes(board, "board-courier-registered");

        await phone.GetByTestId("check-registration").ClickAsync();
        await phone.GetByTestId("shift-hours").SelectOptionAsync("6");
        await phone.GetByTestId("start-shift").ClickAsync();
        await Expect(phone.GetByTestId("end-shift")).ToBeVisibleAsync();
        await Expect(phone.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        await PageChecks.CheckAtBothSizes(phone, "courier-on-shift");

        // An order is placed and picked (the board shows it live); 44 minutes before its slot staff plan the wave.
        var order = await ApiCalls.PlaceOrder(fixture.Http, "cu-courier-test", "amsa-dubu", "son-dubu");
        var orderId = (string)order["orderId"]!;
        await ApiCalls.ConfirmPicked(fixture.Http, order, "son-dubu");
        var slotStart = DateTimeOffset.Parse((string)order["slotStart"]!, System.Globalization.CultureInfo.InvariantCulture);
        fixture.Server.Time.SetUtcNow(slotStart.AddMinutes(-44));
        await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "readyForPickup");
        await board.GetByTestId("plan-now").ClickAsync();
        await Expect(board.GetByTestId("route-amsa-courier-1")).ToBeVisibleAsync();
        await PageChecks.CheckAtBothSizes(board, "board-planned");

        // The route arrives live: collect at the market first, then deliver.
        await Expect(phone.GetByTestId("stops").Locator("li")).ToHaveCountAsync(2);
        await Expect(phone.GetByTestId("next-stop")).ToContainTextAsync("시장에서 받기");
        await PageChecks.CheckAtBothSizes(phone, "courier-route");

        await phone.GetByTestId("arrived").ClickAsync();
        await Expect(phone.GetByTestId("arrived")).ToHaveAttributeAsync("aria-pressed", "true");
        await phone.GetByTestId("picked-up").ClickAsync();
        await Expect(phone.GetByTestId("next-stop")).ToContainTextAsync("배달");
        await Expect(phone.GetByTestId("delivery-code")).ToBeVisibleAsync();
        await PageChecks.CheckAtBothSizes(phone, "courier-delivery");

        var customer = await ApiCalls.DevToken(fixture.Http, "customer", "cu-courier-test");
        var code = (string)(await ApiCalls.Send(fixture.Http, HttpMethod.Get, $"/api/orders/{orderId}", customer))["delivery"]!["deliveryCode"]!;
        await phone.GetByTestId("delivery-code").FillAsync(code);
        await phone.GetByTestId("delivered").ClickAsync();
        await Expect(phone.GetByTestId("next-stop")).ToContainTextAsync("배정된 배달이 아직 없습니다.");
        await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "delivered");
        Assert.Equal("delivered", (string)(await ApiCalls.Send(fixture.Http, HttpMethod.Get, $"/api/orders/{orderId}", customer))["status"]!);
    }
}
