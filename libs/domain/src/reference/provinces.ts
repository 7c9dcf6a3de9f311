// GENERATED FILE — do not edit by hand.
// Source: ../shared/data/provinces.csv (relative to the repository root): ISO 3166-2:TH
// codes joined with English names and the six-region grouping, DOMAIN.md §3.7.
// Regenerate with: node libs/domain/scripts/generate-provinces.mjs
// The helpers below are part of the generator's template; change them there.

/** The six-region geographic grouping used by the source table (not PACC regions). */
export const REGIONS = ['Central', 'East', 'North', 'Northeast', 'South', 'West'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * The 77 provinces: 76 จังหวัด plus Bangkok. `code` is the official 2-digit code, `iso` the ISO 3166-2:TH code.
 * TH-S (Pattaya) is a special local-government area, not a province, and is deliberately absent.
 */
export const PROVINCES = [
  { code: '10', iso: 'TH-10', nameTh: 'กรุงเทพมหานคร', nameEn: 'Bangkok', region: 'Central' },
  { code: '11', iso: 'TH-11', nameTh: 'สมุทรปราการ', nameEn: 'Samut Prakan', region: 'Central' },
  { code: '12', iso: 'TH-12', nameTh: 'นนทบุรี', nameEn: 'Nonthaburi', region: 'Central' },
  { code: '13', iso: 'TH-13', nameTh: 'ปทุมธานี', nameEn: 'Pathum Thani', region: 'Central' },
  { code: '14', iso: 'TH-14', nameTh: 'พระนครศรีอยุธยา', nameEn: 'Phra Nakhon Si Ayutthaya', region: 'Central' },
  { code: '15', iso: 'TH-15', nameTh: 'อ่างทอง', nameEn: 'Ang Thong', region: 'Central' },
  { code: '16', iso: 'TH-16', nameTh: 'ลพบุรี', nameEn: 'Lopburi', region: 'Central' },
  { code: '17', iso: 'TH-17', nameTh: 'สิงห์บุรี', nameEn: 'Sing Buri', region: 'Central' },
  { code: '18', iso: 'TH-18', nameTh: 'ชัยนาท', nameEn: 'Chai Nat', region: 'Central' },
  { code: '19', iso: 'TH-19', nameTh: 'สระบุรี', nameEn: 'Saraburi', region: 'Central' },
  { code: '20', iso: 'TH-20', nameTh: 'ชลบุรี', nameEn: 'Chon Buri', region: 'East' },
  { code: '21', iso: 'TH-21', nameTh: 'ระยอง', nameEn: 'Rayong', region: 'East' },
  { code: '22', iso: 'TH-22', nameTh: 'จันทบุรี', nameEn: 'Chanthaburi', region: 'East' },
  { code: '23', iso: 'TH-23', nameTh: 'ตราด', nameEn: 'Trat', region: 'East' },
  { code: '24', iso: 'TH-24', nameTh: 'ฉะเชิงเทรา', nameEn: 'Chachoengsao', region: 'East' },
  { code: '25', iso: 'TH-25', nameTh: 'ปราจีนบุรี', nameEn: 'Prachin Buri', region: 'East' },
  { code: '26', iso: 'TH-26', nameTh: 'นครนายก', nameEn: 'Nakhon Nayok', region: 'Central' },
  { code: '27', iso: 'TH-27', nameTh: 'สระแก้ว', nameEn: 'Sa Kaeo', region: 'East' },
  { code: '30', iso: 'TH-30', nameTh: 'นครราชสีมา', nameEn: 'Nakhon Ratchasima', region: 'Northeast' },
  { code: '31', iso: 'TH-31', nameTh: 'บุรีรัมย์', nameEn: 'Buri Ram', region: 'Northeast' },
  { code: '32', iso: 'TH-32', nameTh: 'สุรินทร์', nameEn: 'Surin', region: 'Northeast' },
  { code: '33', iso: 'TH-33', nameTh: 'ศรีสะเกษ', nameEn: 'Si Sa Ket', region: 'Northeast' },
  { code: '34', iso: 'TH-34', nameTh: 'อุบลราชธานี', nameEn: 'Ubon Ratchathani', region: 'Northeast' },
  { code: '35', iso: 'TH-35', nameTh: 'ยโสธร', nameEn: 'Yasothon', region: 'Northeast' },
  { code: '36', iso: 'TH-36', nameTh: 'ชัยภูมิ', nameEn: 'Chaiyaphum', region: 'Northeast' },
  { code: '37', iso: 'TH-37', nameTh: 'อำนาจเจริญ', nameEn: 'Amnat Charoen', region: 'Northeast' },
  { code: '38', iso: 'TH-38', nameTh: 'บึงกาฬ', nameEn: 'Bueng Kan', region: 'Northeast' },
  { code: '39', iso: 'TH-39', nameTh: 'หนองบัวลำภู', nameEn: 'Nong Bua Lam Phu', region: 'Northeast' },
  { code: '40', iso: 'TH-40', nameTh: 'ขอนแก่น', nameEn: 'Khon Kaen', region: 'Northeast' },
  { code: '41', iso: 'TH-41', nameTh: 'อุดรธานี', nameEn: 'Udon Thani', region: 'Northeast' },
  { code: '42', iso: 'TH-42', nameTh: 'เลย', nameEn: 'Loei', region: 'Northeast' },
  { code: '43', iso: 'TH-43', nameTh: 'หนองคาย', nameEn: 'Nong Khai', region: 'Northeast' },
  { code: '44', iso: 'TH-44', nameTh: 'มหาสารคาม', nameEn: 'Maha Sarakham', region: 'Northeast' },
  { code: '45', iso: 'TH-45', nameTh: 'ร้อยเอ็ด', nameEn: 'Roi Et', region: 'Northeast' },
  { code: '46', iso: 'TH-46', nameTh: 'กาฬสินธุ์', nameEn: 'Kalasin', region: 'Northeast' },
  { code: '47', iso: 'TH-47', nameTh: 'สกลนคร', nameEn: 'Sakon Nakhon', region: 'Northeast' },
  { code: '48', iso: 'TH-48', nameTh: 'นครพนม', nameEn: 'Nakhon Phanom', region: 'Northeast' },
  { code: '49', iso: 'TH-49', nameTh: 'มุกดาหาร', nameEn: 'Mukdahan', region: 'Northeast' },
  { code: '50', iso: 'TH-50', nameTh: 'เชียงใหม่', nameEn: 'Chiang Mai', region: 'North' },
  { code: '51', iso: 'TH-51', nameTh: 'ลำพูน', nameEn: 'Lamphun', region: 'North' },
  { code: '52', iso: 'TH-52', nameTh: 'ลำปาง', nameEn: 'Lampang', region: 'North' },
  { code: '53', iso: 'TH-53', nameTh: 'อุตรดิตถ์', nameEn: 'Uttaradit', region: 'North' },
  { code: '54', iso: 'TH-54', nameTh: 'แพร่', nameEn: 'Phrae', region: 'North' },
  { code: '55', iso: 'TH-55', nameTh: 'น่าน', nameEn: 'Nan', region: 'North' },
  { code: '56', iso: 'TH-56', nameTh: 'พะเยา', nameEn: 'Phayao', region: 'North' },
  { code: '57', iso: 'TH-57', nameTh: 'เชียงราย', nameEn: 'Chiang Rai', region: 'North' },
  { code: '58', iso: 'TH-58', nameTh: 'แม่ฮ่องสอน', nameEn: 'Mae Hong Son', region: 'North' },
  { code: '60', iso: 'TH-60', nameTh: 'นครสวรรค์', nameEn: 'Nakhon Sawan', region: 'Central' },
  { code: '61', iso: 'TH-61', nameTh: 'อุทัยธานี', nameEn: 'Uthai Thani', region: 'Central' },
  { code: '62', iso: 'TH-62', nameTh: 'กำแพงเพชร', nameEn: 'Kamphaeng Phet', region: 'Central' },
  { code: '63', iso: 'TH-63', nameTh: 'ตาก', nameEn: 'Tak', region: 'West' },
  { code: '64', iso: 'TH-64', nameTh: 'สุโขทัย', nameEn: 'Sukhothai', region: 'Central' },
  { code: '65', iso: 'TH-65', nameTh: 'พิษณุโลก', nameEn: 'Phitsanulok', region: 'Central' },
  { code: '66', iso: 'TH-66', nameTh: 'พิจิตร', nameEn: 'Phichit', region: 'Central' },
  { code: '67', iso: 'TH-67', nameTh: 'เพชรบูรณ์', nameEn: 'Phetchabun', region: 'Central' },
  { code: '70', iso: 'TH-70', nameTh: 'ราชบุรี', nameEn: 'Ratchaburi', region: 'West' },
  { code: '71', iso: 'TH-71', nameTh: 'กาญจนบุรี', nameEn: 'Kanchanaburi', region: 'West' },
  { code: '72', iso: 'TH-72', nameTh: 'สุพรรณบุรี', nameEn: 'Suphan Buri', region: 'Central' },
  { code: '73', iso: 'TH-73', nameTh: 'นครปฐม', nameEn: 'Nakhon Pathom', region: 'Central' },
  { code: '74', iso: 'TH-74', nameTh: 'สมุทรสาคร', nameEn: 'Samut Sakhon', region: 'Central' },
  { code: '75', iso: 'TH-75', nameTh: 'สมุทรสงคราม', nameEn: 'Samut Songkhram', region: 'Central' },
  { code: '76', iso: 'TH-76', nameTh: 'เพชรบุรี', nameEn: 'Phetchaburi', region: 'West' },
  { code: '77', iso: 'TH-77', nameTh: 'ประจวบคีรีขันธ์', nameEn: 'Prachuap Khiri Khan', region: 'West' },
  { code: '80', iso: 'TH-80', nameTh: 'นครศรีธรรมราช', nameEn: 'Nakhon Si Thammarat', region: 'South' },
  { code: '81', iso: 'TH-81', nameTh: 'กระบี่', nameEn: 'Krabi', region: 'South' },
  { code: '82', iso: 'TH-82', nameTh: 'พังงา', nameEn: 'Phangnga', region: 'South' },
  { code: '83', iso: 'TH-83', nameTh: 'ภูเก็ต', nameEn: 'Phuket', region: 'South' },
  { code: '84', iso: 'TH-84', nameTh: 'สุราษฎร์ธานี', nameEn: 'Surat Thani', region: 'South' },
  { code: '85', iso: 'TH-85', nameTh: 'ระนอง', nameEn: 'Ranong', region: 'South' },
  { code: '86', iso: 'TH-86', nameTh: 'ชุมพร', nameEn: 'Chumphon', region: 'South' },
  { code: '90', iso: 'TH-90', nameTh: 'สงขลา', nameEn: 'Songkhla', region: 'South' },
  { code: '91', iso: 'TH-91', nameTh: 'สตูล', nameEn: 'Satun', region: 'South' },
  { code: '92', iso: 'TH-92', nameTh: 'ตรัง', nameEn: 'Trang', region: 'South' },
  { code: '93', iso: 'TH-93', nameTh: 'พัทลุง', nameEn: 'Phatthalung', region: 'South' },
  { code: '94', iso: 'TH-94', nameTh: 'ปัตตานี', nameEn: 'Pattani', region: 'South' },
  { code: '95', iso: 'TH-95', nameTh: 'ยะลา', nameEn: 'Yala', region: 'South' },
  { code: '96', iso: 'TH-96', nameTh: 'นราธิวาส', nameEn: 'Narathiwat', region: 'South' },
] as const satisfies readonly Province[];

export interface Province {
  code: string;
  iso: `TH-${string}`;
  nameTh: string;
  nameEn: string;
  region: Region;
}

/** An ISO 3166-2:TH province code such as 'TH-49' (Mukdahan). */
export type ProvinceCode = (typeof PROVINCES)[number]['iso'];

const BY_ISO: ReadonlyMap<string, Province> = new Map(PROVINCES.map((province) => [province.iso, province]));

export function isProvinceCode(value: unknown): value is ProvinceCode {
  return typeof value === 'string' && BY_ISO.has(value);
}

export function provinceByCode(iso: ProvinceCode): Province;
export function provinceByCode(iso: string): Province | undefined;
export function provinceByCode(iso: string): Province | undefined {
  return BY_ISO.get(iso);
}

/** PACC regional office number (ป.ป.ท. เขต 1–9). */
export type PaccRegion = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
export type PaccRegionMapping = Readonly<Partial<Record<ProvinceCode, PaccRegion>>>;

/**
 * Which PACC region covers a province. Only TH-49 Mukdahan → 4 is sourced (DOMAIN.md §3.1, [S20]); the full
 * region → province mapping was not found, so the rest is deployment configuration: pass a complete mapping
 * (loaded and validated by the configuration layer) to paccRegionOf instead of relying on this default.
 */
export const DEFAULT_PACC_REGION_OF_PROVINCE: PaccRegionMapping = { 'TH-49': 4 };

/** The PACC region of a province under `mapping`, or undefined when the mapping does not say. */
export function paccRegionOf(iso: ProvinceCode, mapping: PaccRegionMapping = DEFAULT_PACC_REGION_OF_PROVINCE): PaccRegion | undefined {
  return mapping[iso];
}
