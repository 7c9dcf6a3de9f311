import { PROVINCES } from '#domain';
import type { Prng } from './prng.js';

/**
 * Thai wording and plausible weights for the demo. Every person, agency and event is made up: names are
 * assembled from common given names and invented surnames, agencies from generic place-name parts. Only
 * province and Mukdahan district names are real geography.
 */

/** The 20 provinces of the Northeast region (provinces.csv), weighted toward Mukdahan and its neighbours. */
const PROVINCE_WEIGHTS: Readonly<Record<string, number>> = {
  'TH-49': 30, // Mukdahan: the programme's province
  'TH-48': 8, // Nakhon Phanom
  'TH-47': 7, // Sakon Nakhon
  'TH-34': 6, // Ubon Ratchathani
  'TH-46': 5, // Kalasin
  'TH-37': 5, // Amnat Charoen
  'TH-40': 5, // Khon Kaen
  'TH-35': 4, // Yasothon
  'TH-45': 4, // Roi Et
  'TH-41': 4, // Udon Thani
  'TH-30': 4, // Nakhon Ratchasima
};
export const NORTHEAST = PROVINCES.filter((p) => p.region === 'Northeast');
export const PROVINCE_CHOICES: readonly (readonly [string, number])[] = NORTHEAST.map((p) => [p.iso, PROVINCE_WEIGHTS[p.iso] ?? 2] as const);
export const provinceName = (iso: string): string => PROVINCES.find((p) => p.iso === iso)?.nameTh ?? iso;
export const MUKDAHAN = 'TH-49';

/** Mukdahan's seven districts (DOPA codes); elsewhere only the capital district (XX01, อำเภอเมือง) is named. */
const MUKDAHAN_DISTRICTS: readonly (readonly [string, string])[] = [
  ['4901', 'เมืองมุกดาหาร'],
  ['4902', 'นิคมคำสร้อย'],
  ['4903', 'ดอนตาล'],
  ['4904', 'ดงหลวง'],
  ['4905', 'คำชะอี'],
  ['4906', 'หว้านใหญ่'],
  ['4907', 'หนองสูง'],
];

export interface Place {
  provinceCode: string;
  provinceTh: string;
  districtCode?: string;
  districtTh?: string;
}

export function placeIn(rng: Prng, provinceCode: string): Place {
  const provinceTh = provinceName(provinceCode);
  if (provinceCode === MUKDAHAN) {
    const [districtCode, districtTh] = rng.weighted(MUKDAHAN_DISTRICTS.map((d, i) => [d, i === 0 ? 3 : 1] as const));
    return { provinceCode, provinceTh, districtCode, districtTh };
  }
  if (rng.chance(0.5)) return { provinceCode, provinceTh, districtCode: `${provinceCode.slice(3)}01`, districtTh: `เมือง${provinceTh}` };
  return { provinceCode, provinceTh };
}

const TAMBON_HEAD = ['โนน', 'หนอง', 'ดอน', 'นา', 'โคก', 'ห้วย', 'คำ', 'ป่า', 'บึง', 'ท่า', 'วัง', 'โพน'];
const TAMBON_TAIL = ['สะอาด', 'แวง', 'ยาง', 'ไผ่', 'สวรรค์', 'ทอง', 'หว้า', 'จาน', 'แดง', 'ขาม', 'เตย', 'คูณ', 'ม่วง', 'บัว', 'ศิลา', 'งาม', 'สำราญ', 'เจริญ'];
export const tambon = (rng: Prng): string => `${rng.pick(TAMBON_HEAD)}${rng.pick(TAMBON_TAIL)}`;

export const AGENCY_TYPE_CHOICES = [
  ['local_administration', 42],
  ['provincial_administration', 14],
  ['central_government', 11],
  ['police', 10],
  ['education', 10],
  ['state_enterprise', 5],
  ['independent_body', 2],
  ['other', 6],
] as const;
export type DemoAgencyType = (typeof AGENCY_TYPE_CHOICES)[number][0];

export interface Agency {
  agencyId: string;
  nameTh: string;
  agencyType: DemoAgencyType;
  place: Place;
  /** Typical positions of officials there (accused persons are drawn from these). */
  positions: readonly string[];
  /** Positions at or above director level (cases about them go to the NACC). */
  seniorPositions: readonly string[];
}

const LOCAL_POSITIONS = ['นักวิชาการพัสดุ', 'เจ้าพนักงานการเงินและบัญชี', 'นายช่างโยธา', 'นักจัดการงานทั่วไป', 'เจ้าพนักงานธุรการ', 'นักวิเคราะห์นโยบายและแผน', 'ผู้ช่วยนายช่างโยธา'];

/** A made-up agency of the given type in the given place; the id is stable for the same name. */
export function agencyIn(rng: Prng, agencyType: DemoAgencyType, place: Place): Agency {
  const p = place.provinceTh;
  const code = place.provinceCode.slice(3);
  const t = tambon(rng);
  const n = rng.int(1, 40).toString().padStart(2, '0');
  const make = (kind: string, nameTh: string, positions: readonly string[], seniorPositions: readonly string[]): Agency => ({
    agencyId: `agency-${kind}-${code}-${n}`,
    nameTh,
    agencyType,
    place,
    positions,
    seniorPositions,
  });
  switch (agencyType) {
    case 'local_administration':
      return rng.weighted([
        [make('sao', `องค์การบริหารส่วนตำบล${t}`, LOCAL_POSITIONS, ['ปลัดองค์การบริหารส่วนตำบล', 'นายกองค์การบริหารส่วนตำบล']), 6],
        [make('tm', `เทศบาลตำบล${t}`, LOCAL_POSITIONS, ['ปลัดเทศบาล', 'นายกเทศมนตรี']), 3],
        [make('pao', `องค์การบริหารส่วนจังหวัด${p}`, ['ผู้อำนวยการกองช่าง', ...LOCAL_POSITIONS], ['ปลัดองค์การบริหารส่วนจังหวัด']), 1],
      ]);
    case 'provincial_administration':
      return rng.weighted([
        [make('amphoe', `ที่ว่าการอำเภอ${place.districtTh ?? `เมือง${p}`}`, ['เจ้าพนักงานปกครอง', 'ปลัดอำเภอ', 'กำนันตำบล' + t, 'ผู้ใหญ่บ้าน'], ['นายอำเภอ']), 4],
        [make('land', `สำนักงานที่ดินจังหวัด${p}`, ['เจ้าพนักงานที่ดิน', 'นายช่างรังวัด', 'เจ้าพนักงานธุรการ'], ['เจ้าพนักงานที่ดินจังหวัด']), 3],
        [make('dla', `สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด${p}`, ['นักวิชาการส่งเสริมการปกครองท้องถิ่น'], ['ท้องถิ่นจังหวัด']), 1],
        [make('livestock', `สำนักงานปศุสัตว์จังหวัด${p}`, ['นายสัตวแพทย์', 'เจ้าพนักงานสัตวบาล'], ['ปศุสัตว์จังหวัด']), 1],
      ]);
    case 'central_government':
      return rng.weighted([
        [make('highway', `แขวงทางหลวง${p}`, ['นายช่างโยธา', 'วิศวกรโยธา', 'เจ้าพนักงานพัสดุ'], ['ผู้อำนวยการแขวงทางหลวง']), 3],
        [make('irrigation', `โครงการชลประทาน${p}`, ['นายช่างชลประทาน', 'เจ้าพนักงานพัสดุ'], ['ผู้อำนวยการโครงการชลประทาน']), 2],
        [make('agri', `สำนักงานเกษตรจังหวัด${p}`, ['นักวิชาการส่งเสริมการเกษตร', 'เจ้าพนักงานการเงินและบัญชี'], ['เกษตรจังหวัด']), 2],
        [make('health', `สำนักงานสาธารณสุขจังหวัด${p}`, ['นักวิชาการสาธารณสุข', 'เจ้าพนักงานพัสดุ'], ['นายแพทย์สาธารณสุขจังหวัด']), 2],
      ]);
    case 'police':
      return make('police', rng.chance(0.5) ? `สถานีตำรวจภูธรเมือง${p}` : `สถานีตำรวจภูธร${t}`, ['ร้อยตำรวจโท', 'ดาบตำรวจ', 'จ่าสิบตำรวจ', 'สิบตำรวจเอก'], ['ผู้กำกับการสถานีตำรวจ']);
    case 'education':
      return rng.weighted([
        [make('school', `โรงเรียนบ้าน${t}`, ['ครูชำนาญการ', 'เจ้าหน้าที่การเงินโรงเรียน', 'ครูผู้ช่วย'], ['ผู้อำนวยการโรงเรียน']), 3],
        [make('esa', `สำนักงานเขตพื้นที่การศึกษาประถมศึกษา${p} เขต ${rng.int(1, 2)}`, ['นักวิชาการพัสดุ', 'นักทรัพยากรบุคคล'], ['ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา']), 1],
      ]);
    case 'state_enterprise':
      return rng.weighted([
        [make('pea', `การไฟฟ้าส่วนภูมิภาคอำเภอ${place.districtTh ?? `เมือง${p}`}`, ['พนักงานพัสดุ', 'ช่างไฟฟ้า'], ['ผู้จัดการการไฟฟ้า']), 1],
        [make('pwa', `การประปาส่วนภูมิภาคสาขา${p}`, ['พนักงานบริการลูกค้า', 'พนักงานพัสดุ'], ['ผู้จัดการการประปา']), 1],
      ]);
    case 'independent_body':
      return make('ect', `สำนักงานคณะกรรมการการเลือกตั้งประจำจังหวัด${p}`, ['พนักงานการเลือกตั้ง'], ['ผู้อำนวยการสำนักงานคณะกรรมการการเลือกตั้งประจำจังหวัด']);
    case 'other':
      return rng.weighted([
        [make('shph', `โรงพยาบาลส่งเสริมสุขภาพตำบล${t}`, ['เจ้าพนักงานสาธารณสุข', 'พยาบาลวิชาชีพ'], ['ผู้อำนวยการโรงพยาบาลส่งเสริมสุขภาพตำบล']), 2],
        [make('coop', `สหกรณ์การเกษตร${t} จำกัด`, ['ผู้จัดการสหกรณ์', 'เจ้าหน้าที่สินเชื่อ'], ['ประธานกรรมการสหกรณ์']), 1],
      ]);
  }
}

/** Categories per agency type: procurement and malfeasance dominate (DOMAIN §3.4). */
export function categoryFor(rng: Prng, agencyType: DemoAgencyType): string {
  const base: [string, number][] = [
    ['MALFEASANCE', 30],
    ['PROCUREMENT', 28],
    ['BRIBERY', 9],
    ['EMBEZZLEMENT', 8],
    ['BUDGET_MISUSE', 7],
    ['PERSONNEL', 6],
    ['CONFLICT_OF_INTEREST', 4],
    ['LAND_DOCUMENTS', 1],
    ['ETHICS', 3],
    ['UNUSUAL_WEALTH', 0.5],
    ['ASSET_DECLARATION', 0.3],
    ['OTHER', 2],
  ];
  const boost: Partial<Record<DemoAgencyType, Record<string, number>>> = {
    local_administration: { PROCUREMENT: 18, BUDGET_MISUSE: 4 },
    provincial_administration: { LAND_DOCUMENTS: 12, MALFEASANCE: 6 },
    police: { BRIBERY: 20, MALFEASANCE: 10, PROCUREMENT: -24 },
    education: { PERSONNEL: 10, EMBEZZLEMENT: 4 },
    central_government: { PROCUREMENT: 10 },
  };
  const extra = boost[agencyType] ?? {};
  return rng.weighted(base.map(([c, w]) => [c, Math.max(0.2, w + (extra[c] ?? 0))] as const));
}

export const CATEGORY_TH: Readonly<Record<string, string>> = {
  PROCUREMENT: 'การจัดซื้อจัดจ้าง',
  MALFEASANCE: 'การปฏิบัติหรือละเว้นการปฏิบัติหน้าที่โดยมิชอบ',
  BRIBERY: 'การเรียกรับสินบน',
  EMBEZZLEMENT: 'การยักยอกเงินหรือทรัพย์สินของราชการ',
  BUDGET_MISUSE: 'การใช้จ่ายงบประมาณไม่ถูกต้อง',
  PERSONNEL: 'การบริหารงานบุคคล',
  LAND_DOCUMENTS: 'การออกเอกสารสิทธิ์โดยมิชอบ',
  CONFLICT_OF_INTEREST: 'การขัดกันระหว่างประโยชน์ส่วนบุคคลและส่วนรวม',
  UNUSUAL_WEALTH: 'การร่ำรวยผิดปกติ',
  ASSET_DECLARATION: 'การยื่นบัญชีทรัพย์สินเท็จ',
  ETHICS: 'การฝ่าฝืนมาตรฐานทางจริยธรรม',
  OTHER: 'เรื่องอื่น ๆ',
};

const PROJECTS = [
  'ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {moo}',
  'ขุดลอกหนองน้ำสาธารณะบ้าน{tambon}',
  'ติดตั้งไฟฟ้าส่องสว่างพลังงานแสงอาทิตย์ หมู่ที่ {moo}',
  'ก่อสร้างฝายชะลอน้ำลำห้วย{tambon}',
  'วางท่อประปาหมู่บ้าน หมู่ที่ {moo}',
  'ซ่อมแซมอาคารเรียนและห้องน้ำนักเรียน',
  'จัดซื้ออาหารเสริม (นม) โรงเรียน',
  'ปรับปรุงถนนลูกรังเพื่อการเกษตร หมู่ที่ {moo}',
  'ก่อสร้างรางระบายน้ำคอนกรีต หมู่ที่ {moo}',
  'จัดซื้อวัสดุการเกษตรและพันธุ์ปลา',
  'จัดซื้อครุภัณฑ์คอมพิวเตอร์',
  'ก่อสร้างอาคารศูนย์พัฒนาเด็กเล็ก',
];

export const project = (rng: Prng): string => rng.pick(PROJECTS).replace('{moo}', String(rng.int(1, 14))).replace('{tambon}', tambon(rng));

const PERMITS = ['ใบอนุญาตก่อสร้างอาคาร', 'ใบอนุญาตประกอบกิจการ', 'หนังสือรับรองการทำประโยชน์', 'ใบอนุญาตขุดดิน', 'ทะเบียนพาณิชย์', 'ใบขับขี่'];
const SERVICES = ['การออกโฉนดที่ดิน', 'การรังวัดแบ่งแยกที่ดิน', 'การขอเลขที่บ้าน', 'การจ่ายเบี้ยยังชีพผู้สูงอายุ', 'การช่วยเหลือผู้ประสบภัยน้ำท่วม', 'การซ่อมถนนที่ชำรุด'];

export const baht = (amount: number): string => amount.toLocaleString('en-US');

/** Alleged amounts by category, in baht (rounded like real complaints). */
export function amountFor(rng: Prng, category: string): number | undefined {
  const ranges: Record<string, [number, number]> = {
    PROCUREMENT: [80_000, 9_500_000],
    BUDGET_MISUSE: [20_000, 2_000_000],
    EMBEZZLEMENT: [10_000, 1_500_000],
    BRIBERY: [2_000, 300_000],
    LAND_DOCUMENTS: [50_000, 3_000_000],
    CONFLICT_OF_INTEREST: [50_000, 2_500_000],
  };
  const range = ranges[category];
  if (!range || rng.chance(0.15)) return undefined;
  const raw = Math.exp(rng.real(Math.log(range[0]), Math.log(range[1])));
  const step = raw > 1_000_000 ? 10_000 : raw > 100_000 ? 1_000 : 500;
  return Math.round(raw / step) * step;
}

export interface Allegation {
  narrative: string;
  /** How a reporter names the agency, as written. */
  agencyText: string;
  project: string;
}

/** The complaint in the reporter's words. */
export function allegation(rng: Prng, category: string, agency: Agency, amount: number | undefined): Allegation {
  const where = `${agency.nameTh}${agency.place.districtTh && !agency.nameTh.includes(agency.place.districtTh) ? ` อำเภอ${agency.place.districtTh}` : ''} จังหวัด${agency.place.provinceTh}`;
  const who = rng.pick(agency.positions);
  const proj = project(rng);
  const money = amount !== undefined ? `${baht(amount)} บาท` : 'ไม่ทราบจำนวนที่แน่ชัด';
  const templates: Record<string, string[]> = {
    PROCUREMENT: [
      `ขอร้องเรียน${where} กรณีจัดจ้างโครงการ${proj} วงเงิน ${money} มีการกำหนดคุณลักษณะเฉพาะเอื้อผู้รับจ้างรายเดิม และตรวจรับงานทั้งที่งานยังไม่แล้วเสร็จตามสัญญา`,
      `โครงการ${proj} ของ${where} ใช้วัสดุไม่ตรงตามแบบ ถนนชำรุดภายในไม่กี่เดือน ชาวบ้านสงสัยว่ามีการฮั้วประมูล ผู้เสนอราคาทุกรายเป็นเครือญาติกัน`,
      `${who}ของ${where} แบ่งซื้อแบ่งจ้างโครงการ${proj} เพื่อหลีกเลี่ยงการประกวดราคาอิเล็กทรอนิกส์ รวมมูลค่าประมาณ ${money}`,
    ],
    MALFEASANCE: [
      `${who}ของ${where} ละเว้นไม่ดำเนินการตามคำร้องขอ${rng.pick(SERVICES)}ของชาวบ้าน เป็นเวลากว่า ${rng.int(3, 14)} เดือน โดยอ้างว่าเอกสารไม่ครบ แต่ดำเนินการให้ผู้ที่รู้จักกันก่อน`,
      `เจ้าหน้าที่${where} ใช้อำนาจโดยมิชอบ สั่งระงับ${rng.pick(SERVICES)}ของผู้ร้องโดยไม่มีเหตุผล หลังจากผู้ร้องไม่ยอมสนับสนุนผู้บริหาร`,
      `${who}ของ${where} นำรถยนต์ของทางราชการไปใช้ส่วนตัวเป็นประจำ ทั้งในวันหยุดราชการและนอกเวลาราชการ`,
    ],
    BRIBERY: [
      `${who}ของ${where} เรียกรับเงิน ${money} เพื่อแลกกับการออก${rng.pick(PERMITS)} หากไม่จ่ายจะดำเนินการล่าช้า`,
      `มีการเรียกรับเงินจากผู้ประกอบการในพื้นที่ของ${where} เดือนละประมาณ ${money} เพื่อไม่ให้ถูกตรวจสอบ`,
    ],
    EMBEZZLEMENT: [
      `${who}ของ${where} เบิกเงินค่าวัสดุโครงการ${proj} แต่ไม่มีการจัดซื้อจริง ยอดเงินประมาณ ${money}`,
      `เงินรายได้ที่จัดเก็บจากค่าธรรมเนียมของ${where} ไม่ได้นำส่งเข้าบัญชีของหน่วยงานครบถ้วน ขาดไปประมาณ ${money}`,
    ],
    BUDGET_MISUSE: [
      `${where} ใช้งบประมาณจัดอบรมศึกษาดูงานที่ไม่เกี่ยวข้องกับภารกิจ มีการเบิกค่าใช้จ่ายเกินจริงประมาณ ${money}`,
      `มีการเบิกค่าตอบแทนการปฏิบัติงานนอกเวลาราชการของ${where} ทั้งที่ไม่ได้มาปฏิบัติงานจริง`,
    ],
    PERSONNEL: [
      `การสอบคัดเลือกพนักงานจ้างของ${where} ไม่โปร่งใส ผู้ที่ได้รับการคัดเลือกเป็นญาติของผู้บริหาร`,
      `มีการเรียกรับเงินเพื่อแลกกับการโยกย้ายตำแหน่งภายใน${where}`,
    ],
    LAND_DOCUMENTS: [
      `${where} ออกหนังสือรับรองการทำประโยชน์ทับที่สาธารณประโยชน์ บริเวณหนองน้ำบ้าน${tambon(rng)} ให้แก่นายทุนในพื้นที่`,
      `เจ้าหน้าที่${where} รังวัดที่ดินรุกล้ำที่ดินของรัฐ และออกเอกสารสิทธิ์ให้ผู้ที่ไม่มีสิทธิ์`,
    ],
    CONFLICT_OF_INTEREST: [
      `ห้างหุ้นส่วนที่ได้งานจ้างโครงการ${proj} ของ${where} เป็นของคู่สมรสของ${who} มูลค่า ${money}`,
      `ผู้บริหาร${where} เช่ารถยนต์ของบริษัทที่ตนเองเป็นหุ้นส่วนมาใช้ในราชการ`,
    ],
    ETHICS: [`${who}ของ${where} ใช้ถ้อยคำไม่สุภาพและเลือกปฏิบัติต่อผู้มาติดต่อราชการ`, `เจ้าหน้าที่${where} รับของขวัญมูลค่าสูงจากผู้รับจ้างในช่วงเทศกาล`],
    UNUSUAL_WEALTH: [`${who}ของ${where} มีทรัพย์สินเพิ่มขึ้นผิดปกติ ซื้อที่ดินและรถยนต์หลายคันในช่วงเวลาสั้น`],
    ASSET_DECLARATION: [`ผู้บริหาร${where} ยื่นบัญชีทรัพย์สินไม่ครบถ้วน ปกปิดที่ดินที่ถือครองแทนโดยญาติ`],
    OTHER: [`ขอให้ตรวจสอบการทำงานของ${where} ซึ่งชาวบ้านเห็นว่าไม่โปร่งใส โดยเฉพาะการใช้จ่ายเงินของหน่วยงาน`],
  };
  const narrative = rng.pick(templates[category] ?? templates.OTHER!);
  const agencyText = rng.chance(0.7) ? agency.nameTh : agency.nameTh.replace('องค์การบริหารส่วนตำบล', 'อบต.').replace('เทศบาลตำบล', 'ทต.').replace('สถานีตำรวจภูธร', 'สภ.');
  return { narrative, agencyText, project: proj };
}

const GIVEN_M = ['สมชาย', 'สมศักดิ์', 'ประเสริฐ', 'วิชัย', 'สุริยา', 'อนุชา', 'ธนากร', 'กิตติพงษ์', 'บุญมี', 'ทองใบ', 'วีระพงษ์', 'ชัยวัฒน์', 'สุเมธ', 'ปรีชา', 'อำนาจ', 'ณัฐพล', 'เกียรติศักดิ์', 'คำปั่น', 'สมบัติ', 'จักรพันธ์'];
const GIVEN_F = ['สมศรี', 'มาลี', 'อรุณี', 'จันทร์เพ็ญ', 'สุภาพร', 'วิไลวรรณ', 'กาญจนา', 'ปราณี', 'นงลักษณ์', 'บัวผัน', 'ศิริพร', 'รัตนา', 'พิมพ์ใจ', 'อัมพร', 'ดวงใจ', 'สุดารัตน์', 'ทองม้วน', 'เพ็ญศรี', 'นิภาพร', 'อุไรวรรณ'];
const SUR_HEAD = ['ศรี', 'แก้ว', 'บุญ', 'ทอง', 'พรม', 'คำ', 'จันทร์', 'สุข', 'วงศ์', 'ไชย', 'ภู', 'มูล'];
const SUR_TAIL = ['สุขสันต์', 'มณีวงศ์', 'ประเสริฐกุล', 'ไพศาลศรี', 'เรืองชัย', 'สมบูรณ์ดี', 'ทวีทรัพย์', 'พิทักษ์ไทย', 'อุดมผล', 'ลำดวนหอม', 'ภักดีงาม', 'แสงอรุณ'];

export interface PersonName {
  title: string;
  given: string;
  surname: string;
  full: string;
}

export function personName(rng: Prng): PersonName {
  const male = rng.chance(0.55);
  const given = rng.pick(male ? GIVEN_M : GIVEN_F);
  const surname = `${rng.pick(SUR_HEAD)}${rng.pick(SUR_TAIL)}`;
  const title = male ? 'นาย' : rng.pick(['นาง', 'นางสาว']);
  return { title, given, surname, full: `${title}${given} ${surname}` };
}

/** A made-up mobile number in the 08x/09x pattern (digits only, no real subscriber intended). */
export const phone = (rng: Prng): string => `0${rng.pick(['8', '9'])}${rng.int(1, 9)} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;

export const address = (rng: Prng, place: Place): string => `${rng.int(1, 199)} หมู่ ${rng.int(1, 14)} ตำบล${tambon(rng)} ${place.districtTh ? `อำเภอ${place.districtTh} ` : ''}จังหวัด${place.provinceTh}`;

export const STEP_SUMMARIES: Readonly<Record<string, readonly string[]>> = {
  interview: [
    'สอบปากคำผู้ร้องเรียนเพิ่มเติม ผู้ร้องยืนยันข้อเท็จจริงตามหนังสือร้องเรียนและจะส่งภาพถ่ายเพิ่มเติม',
    'สอบปากคำเจ้าหน้าที่พัสดุเกี่ยวกับขั้นตอนการจัดหาและการกำหนดราคากลาง',
    'สอบปากคำคณะกรรมการตรวจรับพัสดุ ให้ถ้อยคำว่าได้ตรวจรับตามที่ผู้รับจ้างแจ้ง',
    'สอบปากคำผู้นำชุมชนและชาวบ้านในพื้นที่จำนวน 3 ราย',
    'สอบปากคำผู้ถูกกล่าวหา ปฏิเสธข้อกล่าวหาและขอส่งคำชี้แจงเป็นหนังสือ',
  ],
  document_request: ['มีหนังสือขอเอกสารการจัดซื้อจัดจ้าง สัญญา และใบตรวจรับงานจากหน่วยงาน', 'มีหนังสือขอสำเนาฎีกาเบิกจ่ายและหลักฐานการจ่ายเงิน', 'ขอข้อมูลทะเบียนคุมการออกใบอนุญาตย้อนหลัง 2 ปี'],
  document_received: ['ได้รับเอกสารจากหน่วยงานครบถ้วน อยู่ระหว่างตรวจสอบ', 'ได้รับคำชี้แจงจากหน่วยงานพร้อมเอกสารประกอบบางส่วน'],
  site_visit: ['ลงพื้นที่ตรวจสอบสภาพงานก่อสร้าง พบความกว้างและความหนาไม่ตรงตามแบบบางช่วง', 'ลงพื้นที่ตรวจสอบร่วมกับช่างของหน่วยงาน วัดขนาดและถ่ายภาพประกอบ', 'ลงพื้นที่ตรวจสอบแนวเขตที่ดินร่วมกับเจ้าหน้าที่รังวัด'],
  records_examination: ['ตรวจสอบเอกสารการเบิกจ่ายเทียบกับบัญชีรายรับรายจ่ายของหน่วยงาน', 'ตรวจสอบข้อมูลในระบบการจัดซื้อจัดจ้างภาครัฐ (e-GP) พบผู้เสนอราคาใช้ที่อยู่เดียวกัน'],
  expert_opinion: ['ขอความเห็นวิศวกรโยธาประเมินปริมาณงานที่ทำจริงเทียบกับสัญญา'],
  meeting: ['ประชุมคณะทำงานพิจารณาพยานหลักฐานที่รวบรวมได้และกำหนดแนวทางดำเนินการต่อ', 'ประชุมหารือกับสำนักงานตรวจเงินแผ่นดินจังหวัดเรื่องผลการตรวจสอบ'],
  other: ['ติดตามเอกสารที่ยังไม่ได้รับจากหน่วยงานทางโทรศัพท์'],
};

export const EVIDENCE: readonly (readonly [string, string, string, string])[] = [
  // kind, media type, source, description
  ['document', 'application/pdf', 'agency', 'สำเนาสัญญาจ้างและใบตรวจรับงาน'],
  ['document', 'application/pdf', 'agency', 'สำเนาฎีกาเบิกจ่ายเงินและหลักฐานการโอนเงิน'],
  ['photo', 'image/jpeg', 'site_visit', 'ภาพถ่ายสภาพงานก่อสร้าง ณ วันลงพื้นที่'],
  ['photo', 'image/jpeg', 'reporter', 'ภาพถ่ายที่ผู้ร้องส่งมาพร้อมหนังสือร้องเรียน'],
  ['financial_record', 'application/pdf', 'third_party', 'รายการเดินบัญชีธนาคารตามหนังสือขอข้อมูล'],
  ['digital_extract', 'text/csv', 'agency', 'ข้อมูลการเสนอราคาจากระบบ e-GP'],
  ['audio', 'audio/mpeg', 'reporter', 'ไฟล์เสียงการสนทนาที่ผู้ร้องบันทึกไว้'],
  ['document', 'application/pdf', 'agency', 'คำชี้แจงของผู้ถูกกล่าวหาพร้อมเอกสารประกอบ'],
];

export const OFFENCES: Readonly<Record<string, readonly { code: string; lawRef: string }[]>> = {
  disciplinary: [{ code: 'DISC-GRAVE', lawRef: 'ระเบียบว่าด้วยวินัย: ปฏิบัติหน้าที่โดยมิชอบ' }],
  criminal: [{ code: 'PC-157', lawRef: 'ประมวลกฎหมายอาญา มาตรา 157' }],
  both: [
    { code: 'PC-151', lawRef: 'ประมวลกฎหมายอาญา มาตรา 151' },
    { code: 'DISC-GRAVE', lawRef: 'ระเบียบว่าด้วยวินัย: ทุจริตต่อหน้าที่ราชการ' },
  ],
  administrative_fix: [{ code: 'PROC-2560', lawRef: 'พระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. 2560' }],
};

export const VISIT_CHECKLIST: readonly (readonly [string, string])[] = [
  ['P-01', 'แผนการจัดซื้อจัดจ้างประจำปีเผยแพร่ต่อสาธารณะ'],
  ['P-02', 'การกำหนดราคากลางมีหลักฐานที่มาชัดเจน'],
  ['P-03', 'คณะกรรมการตรวจรับพัสดุแต่งตั้งครบองค์ประกอบ'],
  ['P-04', 'การตรวจรับงานตรงตามงวดงานและแบบรูปรายการ'],
  ['P-05', 'ผู้มีส่วนได้เสียไม่ได้เป็นคู่สัญญา'],
  ['P-06', 'การเบิกจ่ายเงินมีหลักฐานครบถ้วน'],
  ['P-07', 'มีช่องทางรับเรื่องร้องเรียนและแจ้งผลแก่ผู้ร้อง'],
  ['P-08', 'ป้ายประชาสัมพันธ์โครงการแสดงวงเงินและผู้รับจ้าง'],
];

export const VISIT_FINDINGS: readonly (readonly [string, string, string])[] = [
  // risk area, finding, recommendation
  ['PROCUREMENT', 'ราคากลางไม่มีเอกสารแสดงที่มา ใช้ราคาจากผู้เสนอราคารายเดียว', 'ให้กำหนดราคากลางตามหลักเกณฑ์ของคณะกรรมการราคากลางและเผยแพร่แหล่งที่มาของราคา'],
  ['PROCUREMENT', 'ผู้เสนอราคาสามรายใช้ที่อยู่และหมายเลขโทรศัพท์เดียวกัน', 'ให้ตรวจสอบความสัมพันธ์ของผู้เสนอราคาก่อนพิจารณาผลและรายงานผู้บังคับบัญชา'],
  ['BUDGET_MISUSE', 'ตรวจรับงานงวดสุดท้ายก่อนงานแล้วเสร็จจริง', 'ให้คณะกรรมการตรวจรับพัสดุตรวจรับตามสภาพงานจริงและบันทึกภาพถ่ายประกอบทุกงวด'],
  ['CONFLICT_OF_INTEREST', 'กรรมการตรวจรับเป็นญาติของผู้รับจ้าง', 'ให้จัดทำแบบแสดงความไม่มีส่วนได้เสียของกรรมการทุกคณะ'],
  ['MALFEASANCE', 'ไม่มีการแจ้งผลการจัดการเรื่องร้องเรียนแก่ผู้ร้องเรียน', 'ให้กำหนดขั้นตอนแจ้งผลเรื่องร้องเรียนภายใน 15 วันและเผยแพร่สถิติทุก 6 เดือน'],
  ['PROCUREMENT', 'ไม่เผยแพร่แผนการจัดซื้อจัดจ้างประจำปีบนเว็บไซต์ของหน่วยงาน', 'ให้เผยแพร่แผนการจัดซื้อจัดจ้างและรายงานผลบนเว็บไซต์ภายใน 30 วัน'],
  ['BUDGET_MISUSE', 'ป้ายประชาสัมพันธ์โครงการไม่แสดงวงเงินและระยะเวลาก่อสร้าง', 'ให้ติดตั้งป้ายประชาสัมพันธ์แสดงวงเงิน ผู้รับจ้าง และช่องทางร้องเรียน'],
];

export const ADVICE: Readonly<Record<string, readonly [string, string, string]>> = {
  // topic: question, advice, rule
  procurement: [
    'การจัดซื้อวัสดุวงเงินไม่เกิน 100,000 บาท ใช้วิธีเฉพาะเจาะจงได้หรือไม่ และต้องมีเอกสารใดบ้าง',
    'อธิบายเงื่อนไขการใช้วิธีเฉพาะเจาะจง การจัดทำรายงานขอซื้อ และการห้ามแบ่งซื้อแบ่งจ้าง',
    'พระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. 2560 มาตรา 56',
  ],
  budget_disbursement: [
    'การเบิกค่าตอบแทนการปฏิบัติงานนอกเวลาราชการต้องมีหลักฐานใดบ้าง',
    'แนะนำให้มีคำสั่งให้ปฏิบัติงาน บัญชีลงเวลา และรายงานผลการปฏิบัติงานประกอบการเบิกจ่าย',
    'ระเบียบกระทรวงการคลังว่าด้วยการเบิกจ่ายเงินตอบแทนการปฏิบัติงานนอกเวลาราชการ',
  ],
  conflict_of_interest: [
    'ญาติของผู้บริหารหน่วยงานจะเข้าเสนอราคางานจ้างของหน่วยงานได้หรือไม่',
    'อธิบายหลักการขัดกันแห่งผลประโยชน์และแนะนำให้ผู้มีส่วนได้เสียถอนตัวจากการพิจารณา',
    'พระราชบัญญัติประกอบรัฐธรรมนูญว่าด้วยการป้องกันและปราบปรามการทุจริต พ.ศ. 2561 มาตรา 126',
  ],
  asset_declaration: ['ตำแหน่งใดบ้างที่ต้องยื่นบัญชีทรัพย์สินและหนี้สิน', 'แนะนำให้ตรวจสอบประกาศคณะกรรมการ ป.ป.ช. เรื่องตำแหน่งที่ต้องยื่นบัญชีและกำหนดเวลา', 'ประกาศคณะกรรมการ ป.ป.ช. เรื่องการยื่นบัญชีทรัพย์สิน'],
  ita_preparation: [
    'หน่วยงานควรเตรียมข้อมูลเปิดเผยต่อสาธารณะอย่างไรสำหรับการประเมิน ITA',
    'แนะนำการจัดหมวดข้อมูลบนเว็บไซต์ การปรับปรุงให้เป็นปัจจุบัน และผู้รับผิดชอบแต่ละหัวข้อ',
    'คู่มือการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ',
  ],
  complaint_handling: [
    'หน่วยงานต้องแจ้งผลการจัดการเรื่องร้องเรียนแก่ผู้ร้องภายในกี่วัน',
    'แนะนำให้แจ้งผลภายใน 15 วัน จัดทำทะเบียนคุมเรื่องร้องเรียน และรายงานสถิติรอบ 6 และ 12 เดือน',
    'แนวทางการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ',
  ],
  ethics: ['การรับของขวัญจากผู้รับจ้างในช่วงปีใหม่มีมูลค่าได้ไม่เกินเท่าใด', 'อธิบายเกณฑ์การรับทรัพย์สินโดยธรรมจรรยาและแนะนำนโยบายงดให้งดรับ (No Gift Policy)', 'ประกาศคณะกรรมการ ป.ป.ช. ว่าด้วยการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา'],
  other: ['ขอคำแนะนำแนวทางป้องกันการทุจริตในหน่วยงานขนาดเล็ก', 'แนะนำการประเมินความเสี่ยงการทุจริตประจำปีและการกำหนดมาตรการควบคุม', 'แนวทางการประเมินความเสี่ยงการทุจริต'],
};

export const CONSULTATION_TOPIC_CHOICES = [
  ['procurement', 34],
  ['budget_disbursement', 16],
  ['conflict_of_interest', 14],
  ['ita_preparation', 12],
  ['complaint_handling', 10],
  ['ethics', 8],
  ['asset_declaration', 3],
  ['other', 3],
] as const;

export const VENUES = (place: Place): string[] => [
  `ห้องประชุมศาลากลางจังหวัด${place.provinceTh}`,
  `หอประชุมที่ว่าการอำเภอ${place.districtTh ?? `เมือง${place.provinceTh}`}`,
  `ห้องประชุมสำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด${place.provinceTh}`,
  `ห้องประชุมองค์การบริหารส่วนจังหวัด${place.provinceTh}`,
];

export const REJECT_NOTES: Readonly<Record<string, string>> = {
  not_corruption: 'เป็นข้อพิพาททางแพ่งระหว่างเอกชน ไม่ใช่การทุจริตของเจ้าหน้าที่รัฐ แนะนำผู้ร้องไปยังหน่วยงานที่เกี่ยวข้อง',
  insufficient_information: 'ไม่ระบุชื่อหน่วยงาน ช่วงเวลา หรือพยานหลักฐานที่จะตรวจสอบต่อได้',
  out_of_jurisdiction: 'ผู้ถูกกล่าวหาไม่ใช่เจ้าหน้าที่ของรัฐ',
  spam: 'ข้อความโฆษณา ไม่เกี่ยวกับการร้องเรียน',
  abusive: 'ข้อความมุ่งใส่ร้ายบุคคลโดยไม่มีข้อเท็จจริงประกอบ',
  withdrawn: 'ผู้ร้องขอถอนเรื่องเนื่องจากหน่วยงานแก้ไขปัญหาแล้ว',
};
