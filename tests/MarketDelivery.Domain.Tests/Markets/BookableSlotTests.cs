using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Tests.Markets;

public sealed class BookableSlotTests
{
    private readonly Market _market = TestMarkets.Create();

    private static DateTimeOffset Seoul(int hour, int minute = 0, int day = 23) => TestMarkets.Seoul(hour, minute, day);

    [Fact]
    public void Before_the_first_cutoff_all_of_today_and_tomorrow_are_bookable()
    {
        var slots = _market.BookableSlots(Seoul(9, 0));

        Assert.Equal(
            [
                "2026-11-23-1100", "2026-11-23-1300", "2026-11-23-1500", "2026-11-23-1700", "2026-11-23-1900",
                "2026-11-24-1100", "2026-11-24-1300", "2026-11-24-1500", "2026-11-24-1700", "2026-11-24-1900",
            ],
            slots.Select(s => s.SlotId));
        var first = slots[0];
        Assert.Equal(new DateOnly(2026, 11, 23), first.Date);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero), first.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero), first.End);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero), first.Cutoff);
        Assert.Equal(TestMarkets.Kst, first.Start.Offset);
        Assert.Equal("1100", first.TemplateId);
    }

    [Fact]
    public void A_slot_stops_being_bookable_exactly_at_its_cutoff()
    {
        var justBefore = _market.BookableSlots(Seoul(9, 59));
        var atCutoff = _market.BookableSlots(Seoul(10, 0));

        Assert.Equal("2026-11-23-1100", justBefore[0].SlotId);
        Assert.Equal("2026-11-23-1300", atCutoff[0].SlotId);
        Assert.Equal(9, atCutoff.Count);
    }

    [Fact]
    public void Between_cutoffs_only_later_slots_of_today_remain()
    {
        var slots = _market.BookableSlots(Seoul(12, 30));

        Assert.Equal(
            ["2026-11-23-1500", "2026-11-23-1700", "2026-11-23-1900"],
            slots.Where(s => s.Date == new DateOnly(2026, 11, 23)).Select(s => s.SlotId));
        Assert.Equal(5, slots.Count(s => s.Date == new DateOnly(2026, 11, 24)));
        Assert.All(slots, s => Assert.True(s.Cutoff > Seoul(12, 30)));
    }

    [Fact]
    public void After_the_last_cutoff_only_tomorrow_is_bookable()
    {
        var slots = _market.BookableSlots(Seoul(18, 0));

        Assert.Equal(5, slots.Count);
        Assert.All(slots, s => Assert.Equal(new DateOnly(2026, 11, 24), s.Date));
        Assert.Equal("2026-11-24-1100", slots[0].SlotId);
    }

    [Fact]
    public void Just_after_midnight_in_seoul_while_utc_is_still_the_previous_day()
    {
        // 2026-11-23 15:30 UTC is 2026-11-24 00:30 in Seoul.
        var now = new DateTimeOffset(2026, 11, 23, 15, 30, 0, TimeSpan.Zero);

        var slots = _market.BookableSlots(now);

        Assert.Equal(10, slots.Count);
        Assert.Equal("2026-11-24-1100", slots[0].SlotId);
        Assert.Equal("2026-11-25-1900", slots[^1].SlotId);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 0, 0, TestMarkets.Kst), slots[0].Start);
    }

    [Fact]
    public void Just_before_midnight_in_seoul_only_the_next_day_is_bookable()
    {
        // 14:59 UTC = 23:59 Seoul on the 23rd.
        var slots = _market.BookableSlots(new DateTimeOffset(2026, 11, 23, 14, 59, 0, TimeSpan.Zero));

        Assert.Equal(5, slots.Count);
        Assert.All(slots, s => Assert.Equal(new DateOnly(2026, 11, 24), s.Date));
    }

    [Fact]
    public void The_offset_of_now_does_not_matter()
    {
        var inSeoul = _market.BookableSlots(Seoul(12, 30));
        var inUtc = _market.BookableSlots(Seoul(12, 30).ToUniversalTime());
        var inNewYork = _market.BookableSlots(Seoul(12, 30).ToOffset(TimeSpan.FromHours(-5)));

        Assert.Equal(inSeoul, inUtc);
        Assert.Equal(inSeoul, inNewYork);
    }

    [Fact]
    public void Valid_slot_resolves()
    {
        var ok = _market.TryResolveSlot("2026-11-23-1500", Seoul(12, 30), out var slot, out var error);

        Assert.True(ok);
        Assert.NotNull(slot);
        Assert.Equal("2026-11-23-1500", slot.SlotId);
        Assert.Equal(Seoul(15), slot.Start);
        Assert.Equal(Seoul(17), slot.End);
        Assert.Equal(Seoul(14), slot.Cutoff);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void Tomorrows_slot_resolves_after_todays_last_cutoff()
    {
        Assert.True(_market.TryResolveSlot("2026-11-24-1100", Seoul(20, 0), out var slot, out _));
        Assert.Equal(new DateOnly(2026, 11, 24), slot!.Date);
    }

    [Fact]
    public void Slot_past_its_cutoff_is_rejected_as_such()
    {
        var ok = _market.TryResolveSlot("2026-11-23-1100", Seoul(12, 30), out var slot, out var error);

        Assert.False(ok);
        Assert.Null(slot);
        Assert.Contains("cut-off", error, StringComparison.Ordinal);
        Assert.Equal(SlotResolutionError.PastCutoff, _market.ResolveSlot("2026-11-23-1100", Seoul(12, 30)).Error);
        Assert.Equal(SlotResolutionError.PastCutoff, _market.ResolveSlot("2026-11-23-1300", Seoul(12, 0)).Error);
    }

    [Fact]
    public void Unknown_slot_is_rejected_as_unknown()
    {
        var ok = _market.TryResolveSlot("2026-11-23-1200", Seoul(9), out _, out var error);

        Assert.False(ok);
        Assert.Contains("Unknown slot", error, StringComparison.Ordinal);
        Assert.Equal(SlotResolutionError.UnknownSlot, _market.ResolveSlot("2026-11-23-1200", Seoul(9)).Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("1100")]
    [InlineData("2026-11-23")]
    [InlineData("2026-11-23-")]
    [InlineData("2026-13-45-1100")]
    [InlineData("20261123-1100")]
    [InlineData("2026/11/23-1100")]
    [InlineData("23-11-2026-1100")]
    public void Malformed_slot_ids_are_rejected(string slotId)
    {
        var ok = _market.TryResolveSlot(slotId, Seoul(9), out var slot, out var error);

        Assert.False(ok);
        Assert.Null(slot);
        Assert.Contains("Malformed", error, StringComparison.Ordinal);
        Assert.Equal(SlotResolutionError.Malformed, _market.ResolveSlot(slotId, Seoul(9)).Error);
    }

    [Fact]
    public void Null_slot_id_is_malformed()
    {
        Assert.False(_market.TryResolveSlot(null, Seoul(9), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("2026-11-22-1900")] // yesterday
    [InlineData("2026-11-25-1100")] // the day after tomorrow
    [InlineData("2027-11-23-1100")]
    public void Dates_other_than_today_and_tomorrow_are_rejected(string slotId)
    {
        var resolution = _market.ResolveSlot(slotId, Seoul(9));

        Assert.False(resolution.Succeeded);
        Assert.Equal(SlotResolutionError.DateNotBookable, resolution.Error);
        Assert.Contains("today", resolution.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Near_midnight_today_means_today_in_seoul()
    {
        var now = new DateTimeOffset(2026, 11, 23, 15, 30, 0, TimeSpan.Zero); // 00:30 on the 24th in Seoul

        Assert.Equal(SlotResolutionError.DateNotBookable, _market.ResolveSlot("2026-11-23-1900", now).Error);
        Assert.True(_market.ResolveSlot("2026-11-24-1100", now).Succeeded);
        Assert.True(_market.ResolveSlot("2026-11-25-1900", now).Succeeded);
    }

    [Fact]
    public void Seoul_zone_is_nine_hours_ahead_all_year()
    {
        var zone = MarketTimeZones.Seoul;

        Assert.Equal(TimeSpan.FromHours(9), zone.GetUtcOffset(new DateTime(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(TimeSpan.FromHours(9), zone.GetUtcOffset(new DateTime(2026, 7, 15, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Fixed_offset_fallback_zone_gives_the_same_slots()
    {
        var fallback = TimeZoneInfo.CreateCustomTimeZone("Asia/Seoul", TimeSpan.FromHours(9), "KST", "KST");
        var market = TestMarkets.Create(fallback);

        Assert.Equal(_market.BookableSlots(Seoul(12, 30)), market.BookableSlots(Seoul(12, 30)));
    }

    [Fact]
    public void Products_report_whether_they_can_be_supplied()
    {
        var stall = _market.FindStall("test-chaeso")!;

        Assert.True(stall.FindProduct("daepa")!.CanSupply(50));
        Assert.False(stall.FindProduct("daepa")!.CanSupply(0));
        Assert.False(stall.FindProduct("jjokpa")!.CanSupply(1));
        Assert.True(new Product("x", "x", "1개", 100, 10, true, 3).CanSupply(3));
        Assert.False(new Product("x", "x", "1개", 100, 10, true, 3).CanSupply(4));
    }
}
