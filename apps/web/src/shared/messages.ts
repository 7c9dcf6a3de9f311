/** Namespace `common`: what every screen shares (actions, states, roles, code labels). */
export const commonMessages = {
  th: {
    app: { name: 'casetrail', office: 'สำนักงาน ป.ป.ท. เขต 4', skipToContent: 'ข้ามไปยังเนื้อหา', mainNav: 'เมนูหลัก' },
    language: { label: 'ภาษา', th: 'ไทย', en: 'English', switchTo: 'Switch to English' },
    action: {
      save: 'บันทึก', submit: 'ส่ง', cancel: 'ยกเลิก', close: 'ปิด', search: 'ค้นหา', filter: 'กรอง', clear: 'ล้าง', next: 'ถัดไป',
      previous: 'ก่อนหน้า', more: 'โหลดเพิ่ม', back: 'ย้อนกลับ', refresh: 'รีเฟรช', download: 'ดาวน์โหลด', open: 'เปิด', confirm: 'ยืนยัน', logout: 'ออกจากระบบ',
    },
    state: { loading: 'กำลังโหลด…', saving: 'กำลังบันทึก…', saved: 'บันทึกแล้ว', empty: 'ไม่มีรายการ', none: '—', yes: 'ใช่', no: 'ไม่ใช่', required: 'จำเป็น', optional: 'ไม่บังคับ' },
    error: {
      title: 'เกิดข้อผิดพลาด',
      network: 'ติดต่อเซิร์ฟเวอร์ไม่ได้ ลองอีกครั้ง',
      fields: 'โปรดแก้ไขช่องที่ระบุ',
      unauthorized: 'หมดเวลาการใช้งาน โปรดเข้าสู่ระบบอีกครั้ง',
      forbidden: 'คุณไม่มีสิทธิ์ทำรายการนี้',
      notFound: 'ไม่พบข้อมูล',
      conflict: 'ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว โปรดโหลดใหม่แล้วลองอีกครั้ง',
      tooMany: 'ส่งคำขอบ่อยเกินไป โปรดรอสักครู่',
      server: 'เซิร์ฟเวอร์ขัดข้อง ลองอีกครั้งภายหลัง',
    },
    login: {
      title: 'เข้าสู่ระบบสำหรับเจ้าหน้าที่',
      username: 'ชื่อผู้ใช้',
      password: 'รหัสผ่าน',
      submit: 'เข้าสู่ระบบ',
      failed: 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง',
      publicLink: 'ประชาชน: แจ้งเบาะแสการทุจริต หรือติดตามเรื่องที่แจ้ง',
    },
    nav: {
      intake: 'คัดกรองเรื่องร้องเรียน', cases: 'งานสืบสวน', approvals: 'รออนุมัติ', clinic: 'คลินิกธรรมาภิบาล', audit: 'ตรวจสอบ', analytics: 'แดชบอร์ดวิเคราะห์',
      admin: 'ผู้ใช้และสิทธิ์', custodian: 'คำขอเปิดเผยตัวตน', home: 'หน้าแรก',
    },
    home: { title: 'สวัสดี {{name}}', roles: 'บทบาทของคุณ', pick: 'เลือกงานจากเมนู' },
    role: {
      intake_officer: 'เจ้าหน้าที่รับเรื่อง', investigator: 'พนักงานสืบสวน', supervisor: 'ผู้บังคับบัญชา', custodian: 'ผู้ดูแลข้อมูลตัวตน', auditor: 'ผู้ตรวจสอบ',
      analyst: 'นักวิเคราะห์', admin: 'ผู้ดูแลระบบ', clinic_staff: 'เจ้าหน้าที่คลินิก',
    },
    phase: {
      registered: 'ลงทะเบียน', screening: 'คัดกรอง', fact_finding: 'แสวงหาข้อเท็จจริง', inquiry: 'ไต่สวน', decision: 'พิจารณาวินิจฉัย', referred: 'ส่งต่อ', closed: 'ยุติ',
      suspended: 'ระงับชั่วคราว',
    },
    agencyType: {
      central_government: 'ราชการส่วนกลาง', provincial_administration: 'ราชการส่วนภูมิภาค', local_administration: 'องค์กรปกครองส่วนท้องถิ่น', state_enterprise: 'รัฐวิสาหกิจ',
      independent_body: 'องค์กรอิสระ', police: 'ตำรวจ', education: 'สถานศึกษา', other: 'อื่น ๆ',
    },
    channel: {
      web: 'เว็บไซต์', hotline_1206: 'สายด่วน 1206', letter: 'จดหมาย', walk_in: 'มาด้วยตนเอง', email: 'อีเมล', mobile_clinic: 'คลินิกเคลื่อนที่', social_media: 'สื่อสังคมออนไลน์',
      referral_in: 'รับเรื่องส่งต่อ', damrongdhama: 'ศูนย์ดำรงธรรม', own_motion: 'หยิบยกเอง',
    },
    priority: { low: 'ต่ำ', normal: 'ปกติ', high: 'สูง', urgent: 'ด่วนที่สุด' },
    disposition: {
      duplicate: 'ซ้ำซ้อน', out_of_jurisdiction: 'ไม่อยู่ในอำนาจ', withdrawn: 'ถอนเรื่อง', insufficient_information: 'ข้อมูลไม่เพียงพอ', unsubstantiated: 'ไม่มีมูล',
      substantiated_disciplinary: 'มีมูล (วินัย)', substantiated_criminal: 'มีมูล (อาญา)', substantiated_both: 'มีมูล (วินัยและอาญา)',
      substantiated_administrative_fix: 'มีมูล (แก้ไขทางบริหาร)', referred_nacc: 'ส่ง ป.ป.ช.', referred_agency: 'ส่งหน่วยงานต้นสังกัด', referred_police: 'ส่งตำรวจ',
    },
    pager: { page: 'หน้า {{page}}', showing: 'แสดง {{count}} รายการ' },
    suppressed: 'ปกปิด (น้อยกว่า 5)',
  },
  en: {
    app: { name: 'casetrail', office: 'PACC Region 4', skipToContent: 'Skip to content', mainNav: 'Main menu' },
    language: { label: 'Language', th: 'ไทย', en: 'English', switchTo: 'เปลี่ยนเป็นภาษาไทย' },
    action: {
      save: 'Save', submit: 'Submit', cancel: 'Cancel', close: 'Close', search: 'Search', filter: 'Filter', clear: 'Clear', next: 'Next',
      previous: 'Previous', more: 'Load more', back: 'Back', refresh: 'Refresh', download: 'Download', open: 'Open', confirm: 'Confirm', logout: 'Log out',
    },
    state: { loading: 'Loading…', saving: 'Saving…', saved: 'Saved', empty: 'Nothing here', none: '—', yes: 'Yes', no: 'No', required: 'required', optional: 'optional' },
    error: {
      title: 'Something went wrong',
      network: 'The server cannot be reached. Try again.',
      fields: 'Please correct the fields marked below',
      unauthorized: 'Your session has ended. Please log in again.',
      forbidden: 'You are not allowed to do this',
      notFound: 'Not found',
      conflict: 'Someone else changed this in the meantime. Reload and try again.',
      tooMany: 'Too many requests. Please wait a moment.',
      server: 'The server failed. Try again later.',
    },
    login: {
      title: 'Staff sign-in',
      username: 'Username',
      password: 'Password',
      submit: 'Sign in',
      failed: 'Wrong username or password',
      publicLink: 'Public: report corruption or follow your report',
    },
    nav: {
      intake: 'Tip screening', cases: 'Investigations', approvals: 'Approvals', clinic: 'Good-governance clinic', audit: 'Audit', analytics: 'Analytics dashboard',
      admin: 'Users and roles', custodian: 'Identity requests', home: 'Home',
    },
    home: { title: 'Hello, {{name}}', roles: 'Your roles', pick: 'Pick a task from the menu' },
    role: {
      intake_officer: 'Intake officer', investigator: 'Investigator', supervisor: 'Supervisor', custodian: 'Identity custodian', auditor: 'Auditor', analyst: 'Analyst',
      admin: 'Administrator', clinic_staff: 'Clinic staff',
    },
    phase: {
      registered: 'Registered', screening: 'Screening', fact_finding: 'Fact-finding', inquiry: 'Inquiry', decision: 'Decision', referred: 'Referred', closed: 'Closed',
      suspended: 'Suspended',
    },
    agencyType: {
      central_government: 'Central government', provincial_administration: 'Provincial administration', local_administration: 'Local administration',
      state_enterprise: 'State enterprise', independent_body: 'Independent body', police: 'Police', education: 'Education', other: 'Other',
    },
    channel: {
      web: 'Website', hotline_1206: 'Hotline 1206', letter: 'Letter', walk_in: 'Walk-in', email: 'E-mail', mobile_clinic: 'Mobile clinic', social_media: 'Social media',
      referral_in: 'Referral in', damrongdhama: 'Damrongdhama centre', own_motion: 'Own motion',
    },
    priority: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
    disposition: {
      duplicate: 'Duplicate', out_of_jurisdiction: 'Out of jurisdiction', withdrawn: 'Withdrawn', insufficient_information: 'Insufficient information',
      unsubstantiated: 'Unsubstantiated', substantiated_disciplinary: 'Substantiated (disciplinary)', substantiated_criminal: 'Substantiated (criminal)',
      substantiated_both: 'Substantiated (both)', substantiated_administrative_fix: 'Substantiated (administrative fix)', referred_nacc: 'Referred to NACC',
      referred_agency: 'Referred to the agency', referred_police: 'Referred to the police',
    },
    pager: { page: 'Page {{page}}', showing: 'Showing {{count}}' },
    suppressed: 'Suppressed (under 5)',
  },
};
