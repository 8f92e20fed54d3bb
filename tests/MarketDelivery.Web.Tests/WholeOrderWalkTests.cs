using System.Globalization;
using System.Text.RegularExpressions;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// One order from the basket to the door, every person in their own browser context on one real server: the customer on
/// a phone, two merchants on tablets (one line short, one substitute), the customer approving the substitute, staff
/// planning the wave on the board, the courier on a phone collecting and delivering with the code the customer's page
/// shows. Every open page follows each step live, without a reload.
/// </summary>
public sealed class WholeOrderWalkTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static WholeOrderWalkTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public Task The_whole_order_walk_updates_every_open_page_live() =>
        new OrderWalk(fixture, "010-3111-2222", "amsa-courier-1", dropCourierConnection: false).Run();
}

/// <summary>
/// The same walk on a server of its own, with the courier's phone losing the network while they tap "picked up" and
/// "delivered": the actions wait on the phone, counted, and go out in order once it is back online.
/// </summary>
public sealed class WholeOrderWalkOfflineCourierTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static WholeOrderWalkOfflineCourierTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public Task The_walk_survives_the_couriers_dropped_connection() =>
        new OrderWalk(fixture, "010-3222-3333", "amsa-courier-2", dropCourierConnection: true).Run();
}

internal sealed class OrderWalk(WebAppFixture fixture, string customerPhone, string courierAccount, bool dropCourierConnection)
{
    private string Shot(string name) => dropCourierConnection ? $"walk-offline-{name}" : $"walk-{name}";

    public async Task Run()
    {
        var market = (await fixture.Http.GetJson("/api/markets")).AsArray().Single(m => (string)m!["id"]! == "amsa")!;
        var marketLat = (double)market["location"]!["lat"]!;
        var marketLon = (double)market["location"]!["lon"]!;

        // Staff registered the courier; the courier starts a shift on a phone that shares its position (near the market).
        await ApiCalls.RegisterCourier(fixture.Http, courierAccount);
        var courier = await fixture.NewUserPage(WebAppFixture.Phone, new BrowserNewContextOptions
        {
            Permissions = ["geolocation"],
            Geolocation = new Geolocation { Latitude = (float)(marketLat + 0.0005), Longitude = (float)(marketLon + 0.0005) },
        });
        await courier.Clock.SetFixedTimeAsync(MarketServer.DefaultNow.UtcDateTime);
        await courier.GotoAsync("/courier/");
        await courier.GetByLabel("아이디", new() { Exact = true }).FillAsync(courierAccount);
        await courier.GetByLabel("PIN", new() { Exact = true }).FillAsync("2468");
        await courier.GetByTestId("sign-in").ClickAsync();
        await courier.GetByTestId("shift-hours").SelectOptionAsync("6");
        var position = await courier.RunAndWaitForResponseAsync(
            () => courier.GetByTestId("start-shift").ClickAsync(),
            r => r.Url.EndsWith("/position", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(200, position.Status);
        await Expect(courier.GetByTestId("end-shift")).ToBeVisibleAsync();
        await Expect(courier.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");

        // Staff watch the board; two merchants their tablets.
        var board = await fixture.NewUserPage(WebAppFixture.Tablet);
        await board.GotoAsync("/board/");
        await board.GetByLabel("아이디", new() { Exact = true }).FillAsync("amsa-staff");
        await board.GetByLabel("비밀번호", new() { Exact = true }).FillAsync("demo-staff-2026");
        await board.GetByTestId("sign-in").ClickAsync();
        await Expect(board.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        await Expect(board.GetByTestId($"roster-{courierAccount}")).ToBeVisibleAsync();

        var veggies = await SignedInMerchant("amsa-chaeso");
        var fruit = await SignedInMerchant("amsa-gwail");

        // The customer orders on a phone: 대파, 감자 × 2, 사과(부사).
        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        await phone.GotoAsync("/customer/");
        await phone.GetByLabel("휴대폰 번호", new() { Exact = true }).FillAsync(customerPhone);
        await phone.GetByTestId("send-code").ClickAsync();
        await Expect(phone.GetByTestId("code")).ToHaveValueAsync(new Regex("^[0-9]{6}$"));
        await phone.GetByTestId("verify-code").ClickAsync();
        await phone.GetByTestId("market-amsa").ClickAsync();
        await phone.GetByTestId("add-daepa").ClickAsync();
        await phone.GetByTestId("add-gamja").ClickAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "감자(수미) 하나 더" }).ClickAsync();
        await phone.GetByTestId("add-sagwa-busa").ClickAsync();
        await phone.GetByTestId("open-basket").ClickAsync();
        await phone.GetByTestId("substitution-gamja").SelectOptionAsync("none");
        await phone.Locator("#slots input[type=radio]").First.CheckAsync();
        await phone.GetByTestId("address").FillAsync("서울 강동구 암사동 101동 1203호");
        await phone.GetByTestId("place-order").ClickAsync();
        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "placed");
        var orderId = Uri.UnescapeDataString(new Uri(phone.Url).Fragment.Split('/').Last());

        // The tablets and the board see it arrive.
        await Expect(veggies.Locator("article.ticket")).ToHaveCountAsync(1);
        await Expect(fruit.Locator("article.ticket")).ToHaveCountAsync(1);
        await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "placed");

        // 대파 picked, 감자 one short.
        await veggies.GetByTestId("picked-daepa").ClickAsync();
        await veggies.GetByTestId("short-gamja").ClickAsync();
        await veggies.GetByRole(AriaRole.Button, new() { Name = "주문표 확인 완료" }).ClickAsync();
        await Expect(veggies.Locator("article.ticket")).ToHaveCountAsync(0);
        await Expect(phone.GetByTestId("ticket-amsa-chaeso")).ToHaveAttributeAsync("data-status", "confirmed");
        await Expect(phone.GetByTestId("order-line-gamja")).ToHaveAttributeAsync("data-outcome", "short");
        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "picking");
        await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "picking");

        // 사과(부사) is out: the fruit stall offers 사과(홍로).
        await fruit.GetByTestId("substitute-sagwa-busa").ClickAsync();
        await fruit.GetByTestId("substitute-sku-sagwa-busa").SelectOptionAsync("sagwa-hongro");
        await fruit.GetByRole(AriaRole.Button, new() { Name = "주문표 확인 완료" }).ClickAsync();
        await Expect(fruit.Locator("article.ticket")).ToHaveCountAsync(0);

        // The customer's page shows the offer live, with its price and a countdown, and takes the answer.
        var proposal = phone.GetByTestId("proposal-sagwa-busa");
        await Expect(proposal).ToHaveAttributeAsync("data-status", "pending");
        await Expect(proposal).ToContainTextAsync("사과(홍로)");
        await Expect(proposal).ToContainTextAsync("13,700원");
        await Expect(phone.GetByTestId("proposal-countdown-sagwa-busa")).ToContainTextAsync(new Regex("[0-9]+분 [0-9]{2}초"));
        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "readyForPickup");
        await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "readyForPickup");
        if (!dropCourierConnection)
        {
            await PageChecks.CheckAtBothSizes(phone, "customer-substitute-offered");
        }

        await phone.GetByTestId("approve-sagwa-busa").ClickAsync();
        await Expect(proposal).ToHaveAttributeAsync("data-status", "approved");
        await Expect(phone.GetByTestId("approve-sagwa-busa")).ToHaveCountAsync(0);
        await Expect(phone.GetByTestId("charged-total")).ToHaveTextAsync("19,500원"); // 2,500 + 3,300 + 13,700

        // 44 minutes before the slot staff plan the wave; the courier's phone, the board and the customer's page follow.
        var staff = await ApiCalls.DevToken(fixture.Http, "staff", "amsa");
        var order = await ApiCalls.Send(fixture.Http, HttpMethod.Get, $"/api/orders/{orderId}", staff);
        var slotStart = DateTimeOffset.Parse((string)order["slotStart"]!, CultureInfo.InvariantCulture);
        fixture.Server.Time.SetUtcNow(slotStart.AddMinutes(-44));
        await board.GetByTestId("plan-now").ClickAsync();
        await Expect(board.GetByTestId($"route-{courierAccount}")).ToBeVisibleAsync();
        await Expect(board.GetByTestId($"route-line-{courierAccount}")).ToHaveAttributeAsync("data-drawn", "true");
        await Expect(courier.GetByTestId("stops").Locator("li")).ToHaveCountAsync(2);
        await Expect(courier.GetByTestId("next-stop")).ToContainTextAsync("시장에서 받기");
        await Expect(phone.GetByTestId("courier")).ToContainTextAsync(courierAccount);
        await Expect(phone.GetByTestId("eta")).ToContainTextAsync("도착 예정");
        if (!dropCourierConnection)
        {
            await PageChecks.CheckAtBothSizes(board, "board-walk-planned");
        }

        await courier.GetByTestId("arrived").ClickAsync();
        await Expect(courier.GetByTestId("arrived")).ToHaveAttributeAsync("aria-pressed", "true");

        if (dropCourierConnection)
        {
            await courier.Context.SetOfflineAsync(true);
            await Expect(courier.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "offline");
        }

        await courier.GetByTestId("picked-up").ClickAsync();
        await Expect(courier.GetByTestId("next-stop")).ToContainTextAsync("배달");
        if (dropCourierConnection)
        {
            // Done on the phone, waiting to be sent; nobody else has heard of it yet.
            await Expect(courier.GetByTestId("pending-actions")).ToHaveAttributeAsync("data-count", "1");
            await Expect(courier.GetByTestId("pending-actions")).ToContainTextAsync("보내지 못한 작업 1건");
            await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "readyForPickup");
        }
        else
        {
            await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "outForDelivery");
            await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "outForDelivery");
        }

        // The customer reads the code off their page; the courier types it in.
        var code = await phone.GetByTestId("delivery-code").TextContentAsync();
        Assert.Matches("^[0-9]{4}$", code);
        await courier.GetByTestId("delivery-code").FillAsync(code!);
        await courier.GetByTestId("delivered").ClickAsync();
        await Expect(courier.GetByTestId("next-stop")).ToContainTextAsync("배정된 배달이 아직 없습니다.");

        if (dropCourierConnection)
        {
            await Expect(courier.GetByTestId("pending-actions")).ToHaveAttributeAsync("data-count", "2");
            await PageChecks.CheckAtBothSizes(courier, "courier-offline-queued");
            await courier.Context.SetOfflineAsync(false);
            await Expect(courier.GetByTestId("pending-actions")).ToHaveAttributeAsync("data-count", "0");
            await Expect(courier.GetByTestId("pending-actions")).ToBeHiddenAsync();
            await Expect(courier.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        }

        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(phone.GetByTestId("delivered-at")).ToBeVisibleAsync();
        await Expect(board.GetByTestId($"order-{orderId}")).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(courier.GetByTestId("next-stop")).ToContainTextAsync("배정된 배달이 아직 없습니다.");
        await Expect(courier.Locator("#message")).ToBeHiddenAsync();
        Assert.Equal("delivered", (string)(await ApiCalls.Send(fixture.Http, HttpMethod.Get, $"/api/orders/{orderId}", staff))["status"]!);
        if (!dropCourierConnection)
        {
            await PageChecks.CheckAtBothSizes(phone, Shot("customer-delivered"));
        }
    }

    private async Task<IPage> SignedInMerchant(string account)
    {
        var page = await fixture.NewUserPage(WebAppFixture.Tablet);
        await page.GotoAsync("/merchant/");
        await page.GetByLabel("가게 아이디", new() { Exact = true }).FillAsync(account);
        await page.GetByLabel("PIN", new() { Exact = true }).FillAsync("135790");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("ticket-count")).ToHaveTextAsync("0건");
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        return page;
    }
}
