namespace IntegrationServices.Testing;

/// <summary>Calendar dates for requests: <c>using static IntegrationServices.Testing.Dates;</c> then <c>D(2018, 6, 30)</c>.</summary>
public static class Dates
{
    public static Google.Type.Date D(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    public static Google.Type.Date D(DateOnly date) => D(date.Year, date.Month, date.Day);
}
