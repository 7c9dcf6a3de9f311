import { DEFAULT_PACC_REGION_OF_PROVINCE, isProvinceCode, paccRegionOf, provinceByCode, PROVINCES, REGIONS, type PaccRegionMapping } from './provinces.js';

describe('provinces', () => {
  it('lists the 77 provinces (76 จังหวัด + Bangkok) with unique codes', () => {
    expect(PROVINCES).toHaveLength(77);
    expect(new Set(PROVINCES.map((p) => p.iso)).size).toBe(77);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(77);
    expect(new Set(PROVINCES.map((p) => p.nameEn)).size).toBe(77);
    expect(new Set(PROVINCES.map((p) => p.nameTh)).size).toBe(77);
  });

  it('uses official 2-digit codes as ISO 3166-2:TH codes, within TH-10 … TH-96', () => {
    for (const p of PROVINCES) {
      expect(p.code).toMatch(/^\d{2}$/);
      expect(p.iso).toBe(`TH-${p.code}`);
      expect(Number(p.code)).toBeGreaterThanOrEqual(10);
      expect(Number(p.code)).toBeLessThanOrEqual(96);
      expect(REGIONS).toContain(p.region);
    }
  });

  it('knows Mukdahan as TH-49 and Bueng Kan as TH-38, Bangkok as TH-10', () => {
    expect(provinceByCode('TH-49')).toEqual({ code: '49', iso: 'TH-49', nameTh: 'มุกดาหาร', nameEn: 'Mukdahan', region: 'Northeast' });
    expect(provinceByCode('TH-38')).toMatchObject({ nameTh: 'บึงกาฬ', nameEn: 'Bueng Kan' });
    expect(provinceByCode('TH-10')).toMatchObject({ nameTh: 'กรุงเทพมหานคร', nameEn: 'Bangkok' });
  });

  it('does not confuse official codes with sequential ids (Kamphaeng Phet is TH-62, not 49)', () => {
    expect(provinceByCode('TH-62')?.nameEn).toBe('Kamphaeng Phet');
  });

  it('TH-S (Pattaya) is not a province; neither are unknown or malformed codes', () => {
    for (const value of ['TH-S', 'TH-99', 'TH-37 ', 'th-49', '49', 49, null, undefined, {}]) expect(isProvinceCode(value)).toBe(false);
    expect(provinceByCode('TH-S')).toBeUndefined();
    expect(isProvinceCode('TH-49')).toBe(true);
  });

  it('every region of the six-region grouping is used', () => {
    expect(new Set(PROVINCES.map((p) => p.region))).toEqual(new Set(REGIONS));
  });

  it('the default PACC mapping holds only what is sourced: Mukdahan → region 4', () => {
    expect(DEFAULT_PACC_REGION_OF_PROVINCE).toEqual({ 'TH-49': 4 });
    expect(paccRegionOf('TH-49')).toBe(4);
    expect(paccRegionOf('TH-10')).toBeUndefined();
  });

  it('a configured PACC mapping replaces the default', () => {
    const configured: PaccRegionMapping = { 'TH-49': 4, 'TH-48': 4, 'TH-70': 7 };
    expect(paccRegionOf('TH-70', configured)).toBe(7);
  });
});
