using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>
/// A customer on a phone and two merchants on tablets, each in their own browser context, on one real server: the
/// order placed on the phone arrives on the tablets live, they confirm it (one line short), and the phone follows
/// every change without a reload.
/// </summary>
public sealed class OrderFlowTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    static OrderFlowTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Customer_orders_on_a_phone_and_the_merchants_tablets_see_it_live_and_confirm_it()
    {
        var veggies = await SignedInMerchant("amsa-chaeso", screenshots: true);
        var fruit = await SignedInMerchant("amsa-gwail", screenshots: false);

        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        await phone.GotoAsync("/customer/");
        await PageChecks.CheckAtBothSizes(phone, "customer-sign-in");
        await phone.GetByLabel("휴대폰 번호", new() { Exact = true }).FillAsync("010-2345-6789");
        await phone.GetByTestId("send-code").ClickAsync();
        await Expect(phone.GetByTestId("code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[0-9]{6}$")); // Development: the code comes back
        await phone.GetByTestId("verify-code").ClickAsync();

        await Expect(phone.GetByTestId("market-amsa")).ToBeVisibleAsync();
        await Expect(phone.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        await PageChecks.CheckAtBothSizes(phone, "customer-markets");
        await phone.GetByTestId("market-amsa").ClickAsync();

        // Search narrows the catalogue.
        await phone.GetByTestId("search").FillAsync("대파");
        await Expect(phone.GetByTestId("product-daepa")).ToBeVisibleAsync();
        await Expect(phone.GetByTestId("product-gamja")).ToHaveCountAsync(0);
        await phone.GetByTestId("search").FillAsync("");

        await phone.GetByTestId("add-daepa").ClickAsync();
        await phone.GetByTestId("add-gamja").ClickAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "감자(수미) 하나 더" }).ClickAsync();
        await phone.GetByTestId("add-sagwa-busa").ClickAsync();
        await Expect(phone.GetByTestId("open-basket")).ToBeVisibleAsync();
        await PageChecks.CheckAtBothSizes(phone, "customer-shop");

        await phone.GetByTestId("open-basket").ClickAsync();
        await Expect(phone.GetByTestId("basket-total")).ToHaveTextAsync("22,900원"); // 대파 2,500 + 감자 2 × 3,300 + 사과 13,800
        await phone.GetByTestId("substitution-daepa").SelectOptionAsync("jjokpa");
        await phone.GetByTestId("substitution-gamja").SelectOptionAsync("none");
        await phone.Locator("#slots input[type=radio]").First.CheckAsync();
        await phone.GetByTestId("address").FillAsync("서울 강동구 암사동 101동 1203호");
        await PageChecks.CheckAtBothSizes(phone, "customer-basket");

        // A double tap places one order (one Idempotency-Key per basket).
        await phone.GetByTestId("place-order").DblClickAsync();
        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "placed");
        await Expect(phone.GetByTestId("delivery-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]{4}$"));

        // The tablets receive their tickets live, highlighted, without a reload.
        var veggieTicket = veggies.Locator("article.ticket");
        await Expect(veggieTicket).ToHaveCountAsync(1);
        await Expect(veggieTicket).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bnew\\b"));
        await Expect(veggieTicket.GetByTestId("line-daepa")).ToContainTextAsync("쪽파"); // the customer's preference
        await Expect(fruit.Locator("article.ticket")).ToHaveCountAsync(1);
        await PageChecks.CheckAtBothSizes(veggies, "merchant-ticket-arrived");
        await PageChecks.CheckAtBothSizes(phone, "customer-order-placed");

        // 대파 picked, 감자 one short; confirm.
        await veggies.GetByTestId("picked-daepa").ClickAsync();
        await veggies.GetByTestId("short-gamja").ClickAsync();
        await Expect(veggies.GetByTestId("short-quantity-gamja")).ToHaveTextAsync("1");
        await PageChecks.CheckAtBothSizes(veggies, "merchant-ticket-decided");
        await veggieTicket.GetByRole(AriaRole.Button, new() { Name = "주문표 확인 완료" }).ClickAsync();
        await Expect(veggieTicket).ToHaveCountAsync(0);

        // The phone follows live: the veggie stall is done, 감자 is short.
        await Expect(phone.GetByTestId("ticket-amsa-chaeso")).ToHaveAttributeAsync("data-status", "confirmed");
        await Expect(phone.GetByTestId("order-line-gamja")).ToHaveAttributeAsync("data-outcome", "short");
        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "picking");

        // The fruit stall substitutes 사과(부사) with 사과(홍로) from its catalogue (the customer allowed a best match).
        await fruit.GetByTestId("substitute-sagwa-busa").ClickAsync();
        await fruit.GetByTestId("substitute-sku-sagwa-busa").SelectOptionAsync("sagwa-hongro");
        await fruit.GetByRole(AriaRole.Button, new() { Name = "주문표 확인 완료" }).ClickAsync();
        await Expect(fruit.Locator("article.ticket")).ToHaveCountAsync(0);

        await Expect(phone.GetByTestId("order-status")).ToHaveAttributeAsync("data-status", "readyForPickup");
        await Expect(phone.GetByTestId("order-line-sagwa-busa")).ToHaveAttributeAsync("data-outcome", "substituted");
        await Expect(phone.GetByTestId("order-line-sagwa-busa")).ToContainTextAsync("사과(홍로)");
        await Expect(phone.GetByTestId("charged-total")).ToHaveTextAsync("19,500원"); // 2,500 + 3,300 + 13,700
        await Expect(phone.GetByTestId("refund")).ToHaveTextAsync("3,400원");
        await PageChecks.CheckAtBothSizes(phone, "customer-order-ready");
        await PageChecks.CheckAtBothSizes(veggies, "merchant-no-tickets");
    }

    [Fact]
    public async Task A_tablet_that_loses_the_network_says_so_and_catches_up_when_it_is_back()
    {
        var tablet = await SignedInMerchant("amsa-jeongyuk", screenshots: false);

        await tablet.Context.SetOfflineAsync(true);
        await Expect(tablet.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "offline");
        await Expect(tablet.GetByTestId("connection-state")).ToHaveTextAsync("오프라인입니다. 연결되면 최신 내용으로 맞춥니다.");
        await PageChecks.CheckAtBothSizes(tablet, "merchant-offline");

        // Meanwhile a customer orders from the stall (through the API).
        await ApiCalls.PlaceOrder(fixture.Http, "cu-web-tests", "amsa-jeongyuk", "samgyeopsal");

        await tablet.Context.SetOfflineAsync(false);
        await Expect(tablet.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        await Expect(tablet.Locator("article.ticket")).ToHaveCountAsync(1);
        await Expect(tablet.Locator("article.ticket").GetByTestId("line-samgyeopsal")).ToBeVisibleAsync();
    }

    private async Task<IPage> SignedInMerchant(string account, bool screenshots)
    {
        var page = await fixture.NewUserPage(WebAppFixture.Tablet);
        await page.GotoAsync("/merchant/");
        if (screenshots)
        {
            await PageChecks.CheckAtBothSizes(page, "merchant-sign-in");
        }

        await page.GetByLabel("가게 아이디", new() { Exact = true }).FillAsync(account);
        await page.GetByLabel("PIN", new() { Exact = true }).FillAsync("135790");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("ticket-count")).ToHaveTextAsync("0건");
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "online");
        return page;
    }
}
