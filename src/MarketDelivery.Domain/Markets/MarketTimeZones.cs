namespace MarketDelivery.Domain.Markets;

/// <summary>Resolves the time zones named in seed data.</summary>
public static class MarketTimeZones
{
    public const string SeoulId = "Asia/Seoul";

    private static readonly Lazy<TimeZoneInfo> SeoulZone = new(CreateSeoul);

    /// <summary>
    /// Korea Standard Time. Falls back to a fixed UTC+09:00 zone when the host has no tz database;
    /// Korea has not observed daylight saving time since 1988, so the fallback is exact for current dates.
    /// </summary>
    public static TimeZoneInfo Seoul => SeoulZone.Value;

    /// <summary>Finds a zone by IANA (or Windows) id; returns false if the host does not know it.</summary>
    public static bool TryFind(string id, out TimeZoneInfo zone)
    {
        if (string.Equals(id, SeoulId, StringComparison.Ordinal))
        {
            zone = Seoul;
            return true;
        }
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    private static TimeZoneInfo CreateSeoul()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(SeoulId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone(SeoulId, TimeSpan.FromHours(9), "Korea Standard Time", "KST");
        }
    }

    /// <summary>The instant at which the local wall-clock time <paramref name="time"/> on <paramref name="date"/> occurs.</summary>
    public static DateTimeOffset At(TimeZoneInfo zone, DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Skipped by a forward DST jump (not in Korea); use the first valid instant after it.
            local = local.AddHours(1);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The calendar date in <paramref name="zone"/> at instant <paramref name="now"/>.</summary>
    public static DateOnly LocalDate(TimeZoneInfo zone, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
}
