// Money in whole won with thousands separators; times in the market's time zone (Asia/Seoul), whatever the device's.
import { currentLanguage } from './i18n.js';

export const MARKET_TIME_ZONE = 'Asia/Seoul';

const locale = () => (currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB');

export function won(amount) {
  const digits = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 }).format(amount ?? 0);
  return currentLanguage() === 'ko' ? `${digits}원` : `₩${digits}`;
}

export function time(value) {
  if (!value) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: MARKET_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(value));
}

export function day(value) {
  if (!value) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: MARKET_TIME_ZONE, month: 'short', day: 'numeric', weekday: 'short' })
    .format(new Date(value));
}

/** "11월 23일 (월) 15:00–16:00" for a slot. */
export function slotRange(start, end) {
  return `${day(start)} ${time(start)}–${time(end)}`;
}
