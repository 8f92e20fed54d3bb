using System.Globalization;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using MarketDelivery.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MarketDelivery.Web.Tests;

/// <summary>The courier proves a delivery with a photo: the phone uploads it (multipart, signed in) and delivers with its id.</summary>
public sealed class CourierPhotoTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string CourierId = "amsa-courier-2";

    static CourierPhotoTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task A_photo_taken_at_the_door_is_uploaded_and_delivers_the_order()
    {
        await ApiCalls.RegisterCourier(fixture.Http, CourierId);
        var phone = await fixture.NewUserPage(WebAppFixture.Phone);
        await phone.Clock.SetFixedTimeAsync(MarketServer.DefaultNow.UtcDateTime);
        await phone.GotoAsync("/courier/");
        await phone.GetByTestId("account").FillAsync(CourierId);
        await phone.GetByTestId("pin").FillAsync("2468");
        await phone.GetByTestId("sign-in").ClickAsync();
        await phone.GetByTestId("shift-hours").SelectOptionAsync("6");
        await phone.GetByTestId("start-shift").ClickAsync();
        await Expect(phone.GetByTestId("end-shift")).ToBeVisibleAsync();

        var order = await ApiCalls.PlaceOrder(fixture.Http, "cu-photo-test", "amsa-dubu", "son-dubu");
        var orderId = (string)order["orderId"]!;
        await ApiCalls.ConfirmPicked(fixture.Http, order, "son-dubu");
        fixture.Server.Time.SetUtcNow(DateTimeOffset.Parse((string)order["slotStart"]!, CultureInfo.InvariantCulture).AddMinutes(-44));
        await ApiCalls.Send(fixture.Http, HttpMethod.Post, "/api/markets/amsa/dispatch/plan", await ApiCalls.DevToken(fixture.Http, "staff", "amsa"));

        await Expect(phone.GetByTestId("stops").Locator("li")).ToHaveCountAsync(2);
        await phone.GetByTestId("arrived").ClickAsync();
        await Expect(phone.GetByTestId("arrived")).ToHaveAttributeAsync("aria-pressed", "true");
        await phone.GetByTestId("picked-up").ClickAsync();
        await Expect(phone.GetByTestId("delivery-code")).ToBeVisibleAsync();

        var upload = await phone.RunAndWaitForResponseAsync(
            () => phone.GetByTestId("delivery-photo").SetInputFilesAsync(new FilePayload { Name = "door.png", MimeType = "image/png", Buffer = TestImages.Png(40, 30) }),
            r => r.Url.EndsWith($"/orders/{orderId}/photo", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(201, upload.Status);
        await Expect(phone.GetByTestId("next-stop")).ToContainTextAsync("배정된 배달이 아직 없습니다.");

        var customer = await ApiCalls.DevToken(fixture.Http, "customer", "cu-photo-test");
        Assert.Equal("delivered", (string)(await ApiCalls.Send(fixture.Http, HttpMethod.Get, $"/api/orders/{orderId}", customer))["status"]!);
    }
}
