using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// A merchant's tablet beyond the tickets: the out-of-stock toggles reach the customer's catalogue, and the day's
/// takings follow each confirmed ticket. Also the customer's order history, newest first.
/// </summary>
public sealed class MerchantDayTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static MerchantDayTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task A_product_marked_sold_out_on_the_tablet_cannot_be_added_by_the_customer_until_it_is_back()
    {
        var tablet = await SignedInMerchant("amsa-chaeso");
        var stockItem = tablet.GetByTestId("stock-item-daepa");
        await Expect(stockItem).ToHaveAttributeAsync("data-available", "true");
        await PageChecks.CheckAtBothSizes(tablet, "merchant-stock");

        var phone = await SignedInCustomer("010-3456-7890");
        await phone.GetByTestId("market-amsa").ClickAsync();
        await Expect(phone.GetByTestId("add-daepa")).ToBeEnabledAsync();
        await phone.GetByTestId("add-daepa").ClickAsync(); // in the basket before it sells out

        await tablet.GetByTestId("stock-daepa").ClickAsync();
        await Expect(stockItem).ToHaveAttributeAsync("data-available", "false");
        await Expect(tablet.GetByTestId("stock-daepa")).ToHaveTextAsync("다시 판매하기");
        await PageChecks.CheckAtBothSizes(tablet, "merchant-stock-sold-out");

        // The basket re-reads the catalogue when opened: the line says it is sold out and cannot be increased.
        await phone.GetByTestId("open-basket").ClickAsync();
        await Expect(phone.GetByTestId("sold-out-daepa")).ToHaveTextAsync("품절");
        await Expect(phone.GetByTestId("basket-line-daepa")).ToHaveAttributeAsync("data-available", "false");
        await PageChecks.CheckAtBothSizes(phone, "customer-basket-sold-out");
        await phone.GetByRole(AriaRole.Button, new() { Name = "대파 하나 빼기" }).ClickAsync();

        // The shop re-reads it on every visit: the product cannot be added.
        await phone.GotoAsync("/customer/#/m/amsa");
        await Expect(phone.GetByTestId("product-daepa")).ToContainTextAsync("품절");
        await Expect(phone.GetByTestId("add-daepa")).ToBeDisabledAsync();
        await Expect(phone.GetByTestId("add-gamja")).ToBeEnabledAsync();
        await PageChecks.CheckAtBothSizes(phone, "customer-shop-sold-out");

        // Back on sale.
        await tablet.GetByTestId("stock-daepa").ClickAsync();
        await Expect(stockItem).ToHaveAttributeAsync("data-available", "true");
        await phone.GotoAsync("/customer/#/");
        await phone.GetByTestId("market-amsa").ClickAsync();
        await Expect(phone.GetByTestId("add-daepa")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task The_takings_follow_each_confirmed_ticket_in_won()
    {
        var tablet = await SignedInMerchant("amsa-gwail");
        await Expect(tablet.GetByTestId("takings-total")).ToHaveTextAsync("0원");
        await Expect(tablet.GetByTestId("takings-count")).ToHaveTextAsync("확인한 주문표 0건");

        // Two customers order 사과(부사) 13,800원 each (through the API); the tablet confirms both.
        await ApiCalls.PlaceOrder(fixture.Http, "cu-takings-1", "amsa-gwail", "sagwa-busa");
        await ApiCalls.PlaceOrder(fixture.Http, "cu-takings-2", "amsa-gwail", "sagwa-busa");
        var tickets = tablet.Locator("article.ticket");
        await Expect(tickets).ToHaveCountAsync(2);

        await tickets.First.GetByTestId("picked-sagwa-busa").ClickAsync();
        await tickets.First.GetByRole(AriaRole.Button, new() { Name = "주문표 확인 완료" }).ClickAsync();
        await Expect(tablet.GetByTestId("takings-total")).ToHaveTextAsync("13,800원");
        await Expect(tablet.GetByTestId("takings-count")).ToHaveTextAsync("확인한 주문표 1건");

        await tickets.First.GetByTestId("picked-sagwa-busa").ClickAsync();
        await tickets.First.GetByRole(AriaRole.Button, new() { Name = "주문표 확인 완료" }).ClickAsync();
        await Expect(tablet.GetByTestId("takings-total")).ToHaveTextAsync("27,600원");
        await Expect(tablet.GetByTestId("takings-count")).ToHaveTextAsync("확인한 주문표 2건");
        await Expect(tablet.GetByTestId("confirmed-tickets").Locator("li")).ToHaveCountAsync(2);
        await PageChecks.CheckAtBothSizes(tablet, "merchant-takings");
    }

    [Fact]
    public async Task The_customer_history_lists_their_orders_newest_first_and_opens_each()
    {
        var phone = await SignedInCustomer("010-4567-8901");
        var customerId = await phone.EvaluateAsync<string>(
            """
            async () => {
              const session = JSON.parse(localStorage.getItem('md.session.customer'));
              const me = await (await fetch('/api/auth/me', { headers: { Authorization: `Bearer ${session.accessToken}` } })).json();
              return me.roles.find((r) => r.role === 'customer').scopeId;
            }
            """);

        await phone.GetByTestId("my-orders").ClickAsync();
        await Expect(phone.GetByTestId("no-orders")).ToBeVisibleAsync();

        // Each test of this class keeps to its own stall (one server for the class): this one orders from the butcher.
        // The server's clock stands still in tests: a minute passes between orders so each is newer than the last.
        var first = await ApiCalls.PlaceOrder(fixture.Http, customerId, "amsa-jeongyuk", "samgyeopsal");
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await ApiCalls.PlaceOrder(fixture.Http, customerId, "amsa-jeongyuk", "samgyeopsal");
        fixture.Server.Time.Advance(TimeSpan.FromMinutes(1));
        var third = await ApiCalls.PlaceOrder(fixture.Http, customerId, "amsa-jeongyuk", "samgyeopsal");
        await ApiCalls.PlaceOrder(fixture.Http, "cu-someone-else", "amsa-jeongyuk", "samgyeopsal"); // not theirs

        await phone.GotoAsync("/customer/#/");
        await phone.GetByTestId("my-orders").ClickAsync();
        var rows = phone.GetByTestId("history-order");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-order", (string)third["orderId"]!);
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-order", (string)second["orderId"]!);
        await Expect(rows.Nth(2)).ToHaveAttributeAsync("data-order", (string)first["orderId"]!);
        await Expect(rows.Nth(0)).ToContainTextAsync(((long)third["chargedTotalWon"]!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "원");
        await Expect(rows.Nth(0)).ToContainTextAsync("주문 접수");
        await PageChecks.CheckAtBothSizes(phone, "customer-history");

        await rows.Nth(1).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "placed");
        await Expect(phone.GetByTestId("order-line-samgyeopsal")).ToBeVisibleAsync();
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

    private async Task<IPage> SignedInCustomer(string phoneNumber)
    {
        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        await phone.GotoAsync("/customer/");
        await phone.GetByLabel("휴대폰 번호", new() { Exact = true }).FillAsync(phoneNumber);
        await phone.GetByTestId("send-code").ClickAsync();
        await Expect(phone.GetByTestId("code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[0-9]{6}$"));
        await phone.GetByTestId("verify-code").ClickAsync();
        await Expect(phone.GetByTestId("market-amsa")).ToBeVisibleAsync();
        return phone;
    }
}
