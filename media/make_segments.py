#!/usr/bin/env python3
"""Regenerate the sample broadcast audio in media/segments/ from the texts kept below.

Speech is synthesised with espeak-ng (Vietnamese voice), the station jingle with sox, and
everything is encoded with ffmpeg. The output is deterministic: the same tools produce
byte-identical files. Run from the repository root:

    python3 media/make_segments.py

Needs the Debian packages espeak-ng, sox and ffmpeg (with libvorbis and libmp3lame).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "segments"
INDEX_FILE = OUT_DIR / "segments.json"

VOICE = "vi"  # espeak-ng Vietnamese (northern)
SPEED_WPM = 140
AMPLITUDE = 60  # espeak-ng default 100 clips; 60 peaks near -3 dBFS
PARAGRAPH_PAUSE_S = 0.8
SAMPLE_RATE = 22050
QUIET_GAIN_DB = -8.0  # one topic is left quieter so loudness normalisation has work to do

# Spoken forms of things espeak-ng would otherwise read letter by letter or in English.
SPOKEN_FORMS = {
    "dichvucong.gov.vn": "dịch vụ công, chấm, gờ ô vê, chấm, vê nờ",
}


@dataclass(frozen=True)
class Speech:
    """One spoken file: its paragraphs are read in turn with a short pause between them."""

    stem: str
    title: str
    topic: str
    paragraphs: tuple[str, ...]
    container: str = "ogg"  # "ogg": Vorbis mono 22.05 kHz; "mp3": MP3 stereo 44.1 kHz
    gain_db: float = 0.0


JINGLE_STEM = "nhac-hieu"
JINGLE_TITLE = "Nhạc hiệu Đài truyền thanh xã"

# (start s, frequency Hz, length s): a rising arpeggio resolving on a C major chord.
JINGLE_NOTES: tuple[tuple[float, float, float], ...] = (
    (0.00, 392.00, 1.2),  # G4
    (0.35, 523.25, 1.2),  # C5
    (0.70, 659.25, 1.2),  # E5
    (1.05, 783.99, 1.4),  # G5
    (1.60, 523.25, 2.8),  # C5  }
    (1.60, 659.25, 2.8),  # E5  } final chord
    (1.60, 1046.50, 2.8),  # C6 }
)

SPEECHES: tuple[Speech, ...] = (
    Speech(
        stem="loi-chao",
        title="Lời chào đầu chương trình",
        topic="announcement",
        paragraphs=(
            "Đây là Đài truyền thanh xã. Kính thưa toàn thể nhân dân trong xã!",
            "Sau đây, Đài truyền thanh xã xin giới thiệu chương trình tuyên truyền "
            "cải cách hành chính.",
        ),
    ),
    Speech(
        stem="loi-ket",
        title="Lời kết chương trình",
        topic="announcement",
        paragraphs=(
            "Chương trình tuyên truyền cải cách hành chính của Đài truyền thanh xã "
            "đến đây là kết thúc. Cảm ơn bà con đã chú ý lắng nghe. Xin chào và hẹn gặp lại.",
        ),
    ),
    Speech(
        stem="cchc-01-mot-cua",
        title="Bộ phận tiếp nhận và trả kết quả theo cơ chế một cửa",
        topic="one-stop",
        paragraphs=(
            "Kính thưa bà con nhân dân! Thực hiện chương trình cải cách hành chính, "
            "Ủy ban nhân dân xã bố trí Bộ phận tiếp nhận và trả kết quả, thường gọi là "
            "bộ phận một cửa, đặt tại trụ sở Ủy ban nhân dân xã. Đây là nơi hướng dẫn, "
            "tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính cho người dân "
            "và tổ chức, theo Nghị định số 61 năm 2018 của Chính phủ về thực hiện cơ chế "
            "một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
            "Bộ phận một cửa của xã làm việc từ thứ Hai đến thứ Sáu hằng tuần. Buổi sáng "
            "từ 7 giờ đến 11 giờ 30 phút, buổi chiều từ 13 giờ 30 phút đến 17 giờ. Ngày "
            "nghỉ lễ, Tết theo quy định, bộ phận một cửa không làm việc. Lịch làm việc, "
            "danh mục thủ tục hành chính, thành phần hồ sơ, thời hạn giải quyết và mức "
            "phí, lệ phí được niêm yết công khai tại trụ sở Ủy ban nhân dân xã.",
            "Khi đến làm thủ tục, bà con mang theo giấy tờ tùy thân và các giấy tờ theo "
            "hướng dẫn. Công chức tiếp nhận có trách nhiệm kiểm tra hồ sơ. Nếu hồ sơ đầy "
            "đủ, hợp lệ, bà con được nhận giấy tiếp nhận hồ sơ và hẹn ngày trả kết quả. "
            "Nếu hồ sơ chưa đầy đủ, công chức phải hướng dẫn bà con bổ sung, hoàn thiện "
            "hồ sơ bằng phiếu yêu cầu, nêu rõ lý do, để bà con không phải đi lại nhiều lần.",
            "Cán bộ, công chức không được yêu cầu người dân nộp thêm giấy tờ ngoài quy "
            "định, không được gây phiền hà, sách nhiễu. Trường hợp hồ sơ bị giải quyết "
            "quá hạn, cơ quan giải quyết phải có văn bản xin lỗi, nêu rõ lý do và hẹn "
            "lại ngày trả kết quả.",
            "Bà con có thể nhận kết quả trực tiếp tại bộ phận một cửa, hoặc đăng ký nhận "
            "kết quả qua dịch vụ bưu chính công ích. Mọi vướng mắc về thủ tục hành chính, "
            "bà con hãy đến bộ phận một cửa của xã để được hướng dẫn tận tình, chu đáo.",
            "Sau khi giải quyết thủ tục, bà con có thể đánh giá mức độ hài lòng về việc "
            "giải quyết thủ tục hành chính và thái độ phục vụ của cán bộ, công chức, bằng "
            "phiếu đánh giá hoặc thiết bị đánh giá đặt tại bộ phận một cửa. Ý kiến đánh giá "
            "của bà con là căn cứ để chính quyền xã cải tiến cách làm việc, phục vụ nhân "
            "dân ngày càng tốt hơn.",
        ),
    ),
    Speech(
        stem="cchc-02-dich-vu-cong",
        title="Dịch vụ công trực tuyến và Cổng Dịch vụ công quốc gia",
        topic="online-services",
        paragraphs=(
            "Kính thưa bà con! Ngày 9 tháng 12 năm 2019, Cổng Dịch vụ công quốc gia chính "
            "thức đi vào hoạt động tại địa chỉ dichvucong.gov.vn. Thông qua Cổng, người "
            "dân và doanh nghiệp có thể tìm hiểu thông tin về thủ tục hành chính, nộp hồ "
            "sơ trực tuyến, theo dõi tình trạng giải quyết hồ sơ, và thanh toán trực tuyến "
            "một số khoản phí, lệ phí, mà không phải trực tiếp đến cơ quan nhà nước.",
            "Để sử dụng, bà con truy cập Cổng bằng máy tính hoặc điện thoại thông minh có "
            "kết nối Internet, chọn mục Đăng ký để tạo tài khoản. Khi đăng ký, bà con khai "
            "số chứng minh nhân dân hoặc căn cước công dân, số điện thoại di động, rồi "
            "nhập mã xác thực được gửi về điện thoại. Mỗi người nên tự đăng ký và tự quản "
            "lý tài khoản của mình.",
            "Ngay cả khi chưa có tài khoản, bà con vẫn có thể tra cứu trên Cổng thông tin "
            "về từng thủ tục hành chính: thành phần hồ sơ, thời hạn giải quyết, mức phí, "
            "lệ phí và cơ quan giải quyết. Sau khi đăng nhập, bà con có thể nộp hồ sơ, "
            "theo dõi hồ sơ của mình và sử dụng một số dịch vụ thanh toán trực tuyến, như "
            "thanh toán tiền điện, nộp phí, lệ phí, nộp tiền phạt vi phạm giao thông.",
            "Bà con lưu ý: không cung cấp mật khẩu và mã xác thực nhận qua tin nhắn cho "
            "người khác, kể cả người gọi điện tự xưng là cán bộ. Chỉ truy cập đúng địa chỉ "
            "của Cổng, không bấm vào các đường dẫn lạ được gửi qua tin nhắn hoặc mạng xã hội.",
            "Ngoài Cổng Dịch vụ công quốc gia, tỉnh ta có Cổng dịch vụ công và Hệ thống "
            "thông tin một cửa điện tử của tỉnh. Danh mục thủ tục hành chính được nộp "
            "trực tuyến do tỉnh công bố. Khi nộp hồ sơ trực tuyến, bà con được cấp mã hồ "
            "sơ để tra cứu tiến độ giải quyết, và có thể nhận kết quả tại bộ phận một cửa "
            "hoặc qua dịch vụ bưu chính.",
            "Công chức tại bộ phận một cửa của xã sẵn sàng hướng dẫn bà con tạo tài khoản "
            "và nộp hồ sơ trực tuyến. Sử dụng dịch vụ công trực tuyến giúp bà con tiết "
            "kiệm thời gian, chi phí đi lại, và góp phần xây dựng chính quyền điện tử.",
        ),
    ),
    Speech(
        stem="cchc-03-ho-tich",
        title="Đăng ký khai sinh, khai tử theo Luật Hộ tịch năm 2014",
        topic="civil-status",
        paragraphs=(
            "Kính thưa bà con! Luật Hộ tịch năm 2014 có hiệu lực từ ngày 1 tháng 1 năm "
            "2016. Đăng ký hộ tịch là quyền và nghĩa vụ của mỗi công dân, giúp Nhà nước "
            "ghi nhận những sự kiện quan trọng của mỗi người như sinh, tử, kết hôn. Ủy ban "
            "nhân dân xã là nơi đăng ký các việc hộ tịch thường gặp của công dân Việt Nam "
            "cư trú ở trong nước.",
            "Về đăng ký khai sinh. Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ "
            "có trách nhiệm đăng ký khai sinh cho con. Trường hợp cha, mẹ không thể đăng ký "
            "thì ông hoặc bà, người thân thích khác, hoặc cá nhân, tổ chức đang nuôi dưỡng "
            "trẻ em có trách nhiệm đăng ký khai sinh cho trẻ. Nơi đăng ký là Ủy ban nhân "
            "dân xã nơi cư trú của người cha hoặc người mẹ.",
            "Hồ sơ gồm tờ khai theo mẫu và giấy chứng sinh do cơ sở y tế cấp. Nếu không có "
            "giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh; "
            "nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh. Người đi "
            "đăng ký xuất trình giấy tờ tùy thân. Ngay sau khi nhận đủ giấy tờ hợp lệ, "
            "Ủy ban nhân dân xã cấp giấy khai sinh cho trẻ.",
            "Về đăng ký khai tử. Trong thời hạn 15 ngày kể từ ngày có người chết, vợ, "
            "chồng hoặc con, cha, mẹ hoặc người thân thích khác của người chết có trách "
            "nhiệm đi đăng ký khai tử. Nơi đăng ký là Ủy ban nhân dân xã nơi cư trú cuối "
            "cùng của người chết. Hồ sơ gồm tờ khai theo mẫu và giấy báo tử hoặc giấy tờ "
            "thay thế giấy báo tử.",
            "Trường hợp trẻ em chưa được đăng ký khai sinh đúng hạn, gia đình vẫn phải đến "
            "Ủy ban nhân dân xã để đăng ký; công chức tư pháp, hộ tịch sẽ hướng dẫn hồ sơ "
            "cụ thể. Nếu giấy khai sinh bị mất hoặc hư hỏng, bà con có thể yêu cầu cấp bản "
            "sao trích lục hộ tịch về khai sinh tại cơ quan đang lưu giữ sổ hộ tịch, không "
            "phải đăng ký lại.",
            "Luật Hộ tịch quy định miễn lệ phí khi đăng ký khai sinh, khai tử đúng hạn, và "
            "miễn lệ phí đăng ký hộ tịch cho người thuộc gia đình có công với cách mạng, "
            "người thuộc hộ nghèo, người khuyết tật. Đăng ký đúng hạn vừa bảo đảm quyền "
            "lợi của trẻ em và gia đình, vừa tránh những thủ tục phức tạp về sau. Cần biết "
            "thêm, bà con liên hệ công chức tư pháp, hộ tịch tại bộ phận một cửa của xã.",
        ),
    ),
    Speech(
        stem="cchc-04-cu-tru",
        title="Luật Cư trú năm 2020: quản lý cư trú bằng cơ sở dữ liệu thay cho sổ hộ khẩu",
        topic="residence",
        paragraphs=(
            "Kính thưa bà con! Luật Cư trú năm 2020 được Quốc hội thông qua ngày 13 tháng "
            "11 năm 2020 và có hiệu lực từ ngày 1 tháng 7 năm 2021. Điểm mới quan trọng "
            "nhất là việc quản lý cư trú được thực hiện bằng thông tin trong Cơ sở dữ liệu "
            "quốc gia về dân cư và Cơ sở dữ liệu về cư trú, gắn với số định danh cá nhân "
            "của mỗi công dân, thay cho việc quản lý bằng sổ hộ khẩu, sổ tạm trú bằng giấy.",
            "Bà con cần hiểu đúng: từ ngày 1 tháng 7 năm 2021, cơ quan công an không cấp "
            "mới, không cấp lại sổ hộ khẩu, sổ tạm trú. Tuy nhiên, sổ hộ khẩu, sổ tạm trú "
            "đã được cấp vẫn được sử dụng và có giá trị như giấy tờ xác nhận về cư trú cho "
            "đến hết ngày 31 tháng 12 năm 2022. Khi bà con làm thủ tục đăng ký cư trú làm "
            "thay đổi thông tin trong sổ, cơ quan đăng ký cư trú sẽ thu hồi sổ và cập nhật "
            "thông tin vào Cơ sở dữ liệu về cư trú. Vì vậy, bà con không tự ý hủy sổ hộ "
            "khẩu của gia đình.",
            "Cơ quan đăng ký cư trú ở xã là Công an xã. Bà con đăng ký thường trú, đăng "
            "ký tạm trú, thông báo lưu trú và khai báo tạm vắng tại Công an xã, không làm "
            "tại bộ phận một cửa của Ủy ban nhân dân xã.",
            "Theo Luật Cư trú, công dân đến sinh sống tại chỗ ở hợp pháp ngoài phạm vi xã "
            "nơi đã đăng ký thường trú để lao động, học tập hoặc vì mục đích khác từ 30 "
            "ngày trở lên thì phải đăng ký tạm trú. Thời hạn tạm trú tối đa là 2 năm và "
            "có thể gia hạn nhiều lần. Khi có người đến ở lại trong thời gian dưới 30 ngày "
            "mà không phải nơi thường trú hay tạm trú của họ, gia đình có trách nhiệm thông "
            "báo lưu trú với Công an xã.",
            "Thông tin cư trú chính xác giúp bà con thuận lợi khi làm các thủ tục hành "
            "chính khác. Bà con hãy kiểm tra thông tin của các thành viên trong gia đình; "
            "nếu thấy sai sót, hoặc chưa rõ cách làm thủ tục, xin liên hệ Công an xã để "
            "được hướng dẫn cụ thể.",
        ),
    ),
    Speech(
        stem="cchc-05-dat-dai",
        title="Đăng ký đất đai và cấp giấy chứng nhận quyền sử dụng đất",
        topic="land",
        paragraphs=(
            "Kính thưa bà con! Theo Luật Đất đai năm 2013, đất đai thuộc sở hữu toàn dân "
            "do Nhà nước đại diện chủ sở hữu và thống nhất quản lý. Đăng ký đất đai là bắt "
            "buộc đối với người sử dụng đất. Giấy chứng nhận quyền sử dụng đất, quyền sở "
            "hữu nhà ở và tài sản khác gắn liền với đất, mà bà con quen gọi là sổ đỏ, là "
            "chứng thư pháp lý để Nhà nước xác nhận quyền sử dụng đất hợp pháp của người dân.",
            "Hộ gia đình, cá nhân đang sử dụng đất mà chưa được cấp giấy chứng nhận thì làm "
            "thủ tục đăng ký, cấp giấy chứng nhận lần đầu. Nếu có nhu cầu, bà con có thể "
            "nộp hồ sơ tại Ủy ban nhân dân xã nơi có đất. Ủy ban nhân dân xã xác nhận hiện "
            "trạng sử dụng đất, tình trạng tranh chấp, nguồn gốc và thời điểm sử dụng đất, "
            "và niêm yết công khai kết quả kiểm tra hồ sơ tại trụ sở xã và khu dân cư nơi "
            "có đất trong thời hạn 15 ngày. Giấy chứng nhận cho hộ gia đình, cá nhân do "
            "Ủy ban nhân dân huyện cấp.",
            "Khi chuyển nhượng, tặng cho, thừa kế quyền sử dụng đất, người sử dụng đất phải "
            "đăng ký biến động trong thời hạn không quá 30 ngày kể từ ngày có biến động; "
            "riêng trường hợp thừa kế thì thời hạn tính từ ngày phân chia xong di sản thừa "
            "kế.",
            "Hợp đồng chuyển nhượng, tặng cho, thế chấp quyền sử dụng đất phải được công "
            "chứng hoặc chứng thực. Bà con không nên mua bán đất bằng giấy viết tay, vì "
            "giao dịch như vậy dễ phát sinh tranh chấp và gặp khó khăn khi làm thủ tục "
            "sang tên. Ủy ban nhân dân xã nơi có đất thực hiện chứng thực các hợp đồng, "
            "giao dịch về quyền sử dụng đất.",
            "Khi có tranh chấp đất đai, Nhà nước khuyến khích các bên tự hòa giải hoặc hòa "
            "giải ở cơ sở; nếu không hòa giải được thì gửi đơn đến Ủy ban nhân dân xã nơi "
            "có đất để hòa giải, trong thời hạn không quá 45 ngày. Bà con cần sử dụng đất "
            "đúng mục đích: muốn làm nhà trên đất nông nghiệp thì phải được cơ quan nhà "
            "nước có thẩm quyền cho phép chuyển mục đích sử dụng đất. Quy hoạch, kế hoạch "
            "sử dụng đất liên quan đến xã được công khai tại trụ sở Ủy ban nhân dân xã.",
        ),
        gain_db=QUIET_GAIN_DB,
    ),
    Speech(
        stem="cchc-06-xay-dung",
        title="Giấy phép xây dựng nhà ở riêng lẻ ở nông thôn",
        topic="construction",
        paragraphs=(
            "Kính thưa bà con! Luật Xây dựng năm 2014 đã được sửa đổi, bổ sung bởi Luật số "
            "62 năm 2020 của Quốc hội, có hiệu lực từ ngày 1 tháng 1 năm 2021. Trước khi "
            "khởi công làm nhà, bà con cần tìm hiểu xem công trình của gia đình có phải "
            "xin giấy phép xây dựng hay không.",
            "Theo quy định hiện hành, nhà ở riêng lẻ ở nông thôn có quy mô dưới 7 tầng và "
            "thuộc khu vực không có quy hoạch đô thị, quy hoạch xây dựng khu chức năng "
            "hoặc quy hoạch chi tiết xây dựng điểm dân cư nông thôn được cơ quan nhà nước "
            "có thẩm quyền phê duyệt thì được miễn giấy phép xây dựng. Nhà ở xây dựng "
            "trong khu bảo tồn, khu di tích lịch sử, văn hóa thì không thuộc trường hợp "
            "được miễn.",
            "Nếu nhà ở của gia đình nằm trong khu vực đã có quy hoạch được phê duyệt, bà "
            "con phải có giấy phép xây dựng trước khi khởi công. Ủy ban nhân dân huyện cấp "
            "giấy phép xây dựng đối với nhà ở riêng lẻ trên địa bàn. Hồ sơ gồm đơn đề nghị "
            "cấp giấy phép xây dựng, bản sao giấy tờ chứng minh quyền sử dụng đất và bản "
            "vẽ thiết kế xây dựng. Thời hạn xem xét cấp giấy phép đối với nhà ở riêng lẻ "
            "là không quá 15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.",
            "Kể cả khi được miễn giấy phép, bà con vẫn phải xây dựng trên đất ở hợp pháp, "
            "đúng mục đích sử dụng đất; không lấn chiếm đất công, hành lang an toàn giao "
            "thông, công trình thủy lợi và lưới điện; bảo đảm an toàn cho người thi công "
            "và các công trình liền kề; che chắn cẩn thận, không để vật liệu xây dựng lấn "
            "chiếm đường làng, ngõ xóm. Trước khi khởi công, bà con nên đến Ủy ban nhân "
            "dân xã để được hướng dẫn.",
            "Xây dựng không phép, sai phép, hoặc xây dựng trên đất không được phép xây "
            "dựng là hành vi vi phạm, có thể bị xử phạt vi phạm hành chính và buộc phá dỡ "
            "công trình vi phạm, gây thiệt hại cho chính gia đình mình. Ủy ban nhân dân xã "
            "có trách nhiệm quản lý trật tự xây dựng trên địa bàn; bà con phát hiện vi "
            "phạm hãy kịp thời phản ánh với chính quyền xã.",
        ),
    ),
    Speech(
        stem="cchc-07-ho-kinh-doanh",
        title="Đăng ký hộ kinh doanh theo Nghị định 01/2021/NĐ-CP",
        topic="business",
        paragraphs=(
            "Kính thưa bà con! Ngày 4 tháng 1 năm 2021, Chính phủ ban hành Nghị định số 01 "
            "năm 2021 về đăng ký doanh nghiệp, trong đó có các quy định về đăng ký hộ kinh "
            "doanh. Nghị định có hiệu lực từ ngày ký ban hành và thay thế Nghị định số 78 "
            "năm 2015 của Chính phủ.",
            "Hộ kinh doanh do một cá nhân hoặc các thành viên hộ gia đình đăng ký thành lập "
            "và chịu trách nhiệm bằng toàn bộ tài sản của mình đối với hoạt động kinh doanh "
            "của hộ. Trường hợp các thành viên hộ gia đình đăng ký hộ kinh doanh thì ủy "
            "quyền cho một thành viên làm đại diện hộ kinh doanh. Mỗi cá nhân, thành viên "
            "hộ gia đình chỉ được đăng ký một hộ kinh doanh trên phạm vi toàn quốc.",
            "Hộ gia đình sản xuất nông, lâm, ngư nghiệp, làm muối, và những người bán hàng "
            "rong, quà vặt, buôn chuyến, kinh doanh lưu động, làm dịch vụ có thu nhập thấp "
            "thì không phải đăng ký hộ kinh doanh, trừ trường hợp kinh doanh các ngành, "
            "nghề có điều kiện. Mức thu nhập thấp do Ủy ban nhân dân tỉnh quy định.",
            "Hồ sơ đăng ký hộ kinh doanh nộp tại cơ quan đăng ký kinh doanh cấp huyện, là "
            "Phòng Tài chính, Kế hoạch thuộc Ủy ban nhân dân huyện, nơi đặt trụ sở hộ kinh "
            "doanh. Hồ sơ gồm giấy đề nghị đăng ký hộ kinh doanh và bản sao giấy tờ pháp "
            "lý của cá nhân chủ hộ. Nếu các thành viên hộ gia đình cùng đăng ký thì kèm "
            "theo giấy tờ pháp lý của các thành viên, biên bản họp thành viên hộ gia đình "
            "về việc thành lập hộ kinh doanh và văn bản ủy quyền cho một thành viên làm chủ "
            "hộ. Trong thời hạn 3 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ, cơ quan "
            "đăng ký kinh doanh cấp giấy chứng nhận đăng ký hộ kinh doanh.",
            "Khi tạm ngừng kinh doanh từ 30 ngày trở lên, hộ kinh doanh phải thông báo cho "
            "cơ quan đăng ký kinh doanh cấp huyện nơi đã đăng ký và cơ quan thuế trực tiếp "
            "quản lý. Đăng ký hộ kinh doanh giúp bà con kinh doanh ổn định, minh bạch và "
            "được pháp luật bảo vệ. Bộ phận một cửa của xã sẵn sàng hướng dẫn bà con chuẩn "
            "bị hồ sơ.",
        ),
    ),
    Speech(
        stem="cchc-08-chung-thuc",
        title="Chứng thực bản sao, chứng thực chữ ký tại Ủy ban nhân dân xã",
        topic="certification",
        paragraphs=(
            "Kính thưa bà con! Theo Nghị định số 23 năm 2015 của Chính phủ về cấp bản sao "
            "từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký và chứng thực "
            "hợp đồng, giao dịch, Ủy ban nhân dân xã có thẩm quyền chứng thực bản sao từ "
            "bản chính các giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp hoặc "
            "chứng nhận; chứng thực chữ ký trong giấy tờ, văn bản, trừ chữ ký người dịch; "
            "và chứng thực một số hợp đồng, giao dịch.",
            "Các hợp đồng, giao dịch do Ủy ban nhân dân xã chứng thực gồm: hợp đồng, giao "
            "dịch liên quan đến tài sản là động sản; hợp đồng, giao dịch liên quan đến "
            "thực hiện quyền của người sử dụng đất; hợp đồng, giao dịch về nhà ở; di chúc; "
            "văn bản từ chối nhận di sản; văn bản thỏa thuận phân chia di sản, văn bản khai "
            "nhận di sản mà di sản là động sản, quyền sử dụng đất, nhà ở. Hợp đồng, giao "
            "dịch liên quan đến bất động sản được chứng thực tại Ủy ban nhân dân xã nơi có "
            "bất động sản.",
            "Việc chứng thực bản sao từ bản chính và chứng thực chữ ký không phụ thuộc vào "
            "nơi cư trú của người yêu cầu. Thời hạn chứng thực được bảo đảm ngay trong ngày "
            "tiếp nhận yêu cầu, hoặc trong ngày làm việc tiếp theo nếu yêu cầu được tiếp "
            "nhận sau 15 giờ.",
            "Khi chứng thực chữ ký, người yêu cầu xuất trình giấy tờ tùy thân còn giá trị "
            "sử dụng và phải ký trước mặt người thực hiện chứng thực. Khi chứng thực bản "
            "sao, bà con mang theo bản chính và bản sao cần chứng thực. Bản chính bị tẩy "
            "xóa, sửa chữa, thêm, bớt nội dung không hợp lệ, hoặc bị hư hỏng, cũ nát không "
            "xác định được nội dung thì không được chứng thực bản sao.",
            "Bản sao được chứng thực từ bản chính có giá trị sử dụng thay cho bản chính "
            "trong các giao dịch, trừ trường hợp pháp luật có quy định khác. Khi nộp hồ sơ "
            "có bản sao đã chứng thực, cơ quan tiếp nhận không được yêu cầu xuất trình bản "
            "chính để đối chiếu; nếu nộp bản sao không có chứng thực, bà con mang theo bản "
            "chính để cán bộ đối chiếu. Như vậy, bà con không cần chứng thực quá nhiều bản "
            "sao, tiết kiệm thời gian và chi phí. Mức phí chứng thực được niêm yết công "
            "khai tại bộ phận một cửa.",
        ),
    ),
    Speech(
        stem="cchc-09-xu-phat-hanh-chinh",
        title="Những điều cần biết về xử phạt vi phạm hành chính",
        topic="sanctions",
        paragraphs=(
            "Kính thưa bà con! Vi phạm hành chính là hành vi có lỗi do cá nhân, tổ chức "
            "thực hiện, vi phạm quy định của pháp luật về quản lý nhà nước mà không phải "
            "là tội phạm và theo quy định của pháp luật phải bị xử phạt vi phạm hành chính. "
            "Luật Xử lý vi phạm hành chính năm 2012 quy định nguyên tắc, hình thức, thẩm "
            "quyền và thủ tục xử phạt.",
            "Chỉ xử phạt khi có hành vi vi phạm hành chính do pháp luật quy định. Một hành "
            "vi vi phạm hành chính chỉ bị xử phạt một lần. Người có thẩm quyền xử phạt có "
            "trách nhiệm chứng minh vi phạm; cá nhân, tổ chức có quyền tự mình hoặc thông "
            "qua người đại diện hợp pháp chứng minh mình không vi phạm. Hình thức xử phạt "
            "chính là cảnh cáo và phạt tiền; ngoài ra có thể áp dụng các biện pháp khắc "
            "phục hậu quả, như buộc khôi phục lại tình trạng ban đầu, buộc phá dỡ công "
            "trình xây dựng trái phép.",
            "Chủ tịch Ủy ban nhân dân xã có quyền phạt cảnh cáo, phạt tiền đến 10 phần "
            "trăm mức tiền phạt tối đa của lĩnh vực tương ứng nhưng không quá 5 triệu đồng. "
            "Những vi phạm thường gặp ở nông thôn là đổ rác thải không đúng nơi quy định, "
            "lấn chiếm hành lang giao thông, xây dựng không phép, tự ý chuyển mục đích sử "
            "dụng đất, gây mất trật tự công cộng.",
            "Khi xử phạt, người có thẩm quyền phải lập biên bản và ra quyết định xử phạt. "
            "Riêng trường hợp phạt cảnh cáo hoặc phạt tiền đến 250 nghìn đồng đối với cá "
            "nhân thì có thể xử phạt không lập biên bản, nhưng vẫn phải ra quyết định xử "
            "phạt tại chỗ. Người bị phạt tiền phải chấp hành quyết định trong thời hạn 10 "
            "ngày kể từ ngày nhận được quyết định, nộp tiền tại Kho bạc Nhà nước hoặc tài "
            "khoản ghi trong quyết định, và được nhận chứng từ thu tiền phạt. Nộp chậm thì "
            "mỗi ngày phải nộp thêm không phẩy không năm phần trăm trên số tiền phạt chưa nộp.",
            "Cá nhân, tổ chức bị xử phạt có quyền khiếu nại, khởi kiện đối với quyết định "
            "xử phạt; trong thời gian khiếu nại, khởi kiện vẫn phải chấp hành quyết định, "
            "trừ trường hợp được tạm đình chỉ theo quy định. Nghiêm cấm lợi dụng chức vụ, "
            "quyền hạn để sách nhiễu, đòi, nhận tiền khi xử lý vi phạm. Mỗi người dân hãy "
            "chủ động tìm hiểu và chấp hành pháp luật, góp phần giữ gìn trật tự, kỷ cương "
            "ở địa phương.",
        ),
    ),
    Speech(
        stem="cchc-10-phan-anh-kien-nghi",
        title="Phản ánh, kiến nghị về quy định hành chính",
        topic="feedback",
        paragraphs=(
            "Kính thưa bà con! Phản ánh, kiến nghị của người dân là kênh thông tin quan "
            "trọng giúp chính quyền cải cách thủ tục hành chính. Theo Nghị định số 20 năm "
            "2008 của Chính phủ, được sửa đổi, bổ sung năm 2017, cá nhân, tổ chức có quyền "
            "phản ánh về những vướng mắc trong thực hiện quy định hành chính; về hành vi "
            "chậm trễ, gây phiền hà, hoặc không thực hiện, thực hiện không đúng quy định "
            "hành chính của cơ quan, cán bộ, công chức; và kiến nghị phương án xử lý, "
            "sáng kiến về quy định hành chính.",
            "Bà con có thể phản ánh, kiến nghị bằng văn bản, qua điện thoại hoặc qua mạng "
            "điện tử. Tại trụ sở Ủy ban nhân dân xã có hộp thư góp ý, và số điện thoại "
            "đường dây nóng được niêm yết công khai tại bộ phận một cửa. Bà con cũng có thể "
            "gửi phản ánh, kiến nghị trực tuyến tại mục Phản ánh kiến nghị trên Cổng Dịch "
            "vụ công quốc gia, địa chỉ dichvucong.gov.vn, và theo dõi kết quả xử lý trên Cổng.",
            "Khi phản ánh, kiến nghị, bà con sử dụng tiếng Việt, ghi rõ nội dung, ghi rõ họ "
            "tên, địa chỉ và số điện thoại để cơ quan có thẩm quyền liên hệ và trả lời.",
            "Bà con cũng cần phân biệt phản ánh, kiến nghị với khiếu nại và tố cáo. Khiếu "
            "nại là đề nghị cơ quan, người có thẩm quyền xem xét lại quyết định hành chính, "
            "hành vi hành chính khi có căn cứ cho rằng quyết định, hành vi đó trái pháp luật, "
            "xâm phạm quyền, lợi ích hợp pháp của mình. Tố cáo là báo cho cơ quan, người có "
            "thẩm quyền biết về hành vi vi phạm pháp luật của bất kỳ cơ quan, tổ chức, cá "
            "nhân nào. Khiếu nại, tố cáo được giải quyết theo Luật Khiếu nại và Luật Tố cáo.",
            "Theo Luật Tiếp công dân năm 2013, Chủ tịch Ủy ban nhân dân xã tiếp công dân "
            "định kỳ ít nhất 1 ngày trong tuần tại địa điểm tiếp công dân. Lịch tiếp công "
            "dân được niêm yết công khai tại trụ sở Ủy ban nhân dân xã. Mọi ý kiến đóng góp "
            "của bà con đều được chính quyền xã trân trọng tiếp thu, để phục vụ nhân dân "
            "ngày càng tốt hơn.",
        ),
    ),
    Speech(
        stem="cchc-11-dang-ky-ket-hon",
        title="Đăng ký kết hôn tại Ủy ban nhân dân xã",
        topic="civil-status",
        container="mp3",
        paragraphs=(
            "Kính thưa bà con! Theo Luật Hôn nhân và gia đình năm 2014, việc kết hôn phải "
            "được đăng ký và do cơ quan nhà nước có thẩm quyền thực hiện. Việc kết hôn "
            "không được đăng ký thì không có giá trị pháp lý. Nam, nữ chung sống với nhau "
            "như vợ chồng mà không đăng ký kết hôn thì không làm phát sinh quyền, nghĩa vụ "
            "giữa vợ và chồng.",
            "Điều kiện kết hôn: nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên; việc "
            "kết hôn do nam và nữ tự nguyện quyết định; không bị mất năng lực hành vi dân "
            "sự; và không thuộc các trường hợp cấm kết hôn, như kết hôn giả tạo, tảo hôn, "
            "cưỡng ép kết hôn, lừa dối kết hôn, cản trở kết hôn; người đang có vợ hoặc có "
            "chồng mà kết hôn với người khác; kết hôn giữa những người cùng dòng máu về "
            "trực hệ hoặc có họ trong phạm vi ba đời.",
            "Theo Luật Hộ tịch năm 2014, Ủy ban nhân dân xã nơi cư trú của một trong hai "
            "bên nam, nữ thực hiện đăng ký kết hôn. Hai bên nộp tờ khai đăng ký kết hôn "
            "theo mẫu và xuất trình giấy tờ tùy thân. Nếu một bên không cư trú tại xã nơi "
            "đăng ký kết hôn, bên đó cần có giấy xác nhận tình trạng hôn nhân do Ủy ban nhân "
            "dân xã nơi mình cư trú cấp; công chức tư pháp, hộ tịch sẽ hướng dẫn cụ thể.",
            "Khi đăng ký kết hôn, hai bên nam, nữ phải cùng có mặt. Ngay sau khi nhận đủ "
            "giấy tờ, nếu thấy đủ điều kiện kết hôn, công chức tư pháp, hộ tịch ghi việc "
            "kết hôn vào sổ hộ tịch; hai bên cùng ký vào sổ và vào giấy chứng nhận kết hôn; "
            "Chủ tịch Ủy ban nhân dân xã tổ chức trao giấy chứng nhận kết hôn. Trường hợp "
            "cần xác minh điều kiện kết hôn thì thời hạn giải quyết không quá 5 ngày làm "
            "việc. Đăng ký kết hôn của công dân Việt Nam cư trú ở trong nước được miễn lệ phí.",
            "Đăng ký kết hôn đúng quy định là cơ sở pháp lý bảo vệ quyền và lợi ích hợp "
            "pháp của vợ, chồng và con cái, đặc biệt là phụ nữ và trẻ em. Chính quyền xã "
            "đề nghị các gia đình không để xảy ra tảo hôn, không cưỡng ép con cái kết hôn, "
            "và nhắc nhở các đôi nam nữ đăng ký kết hôn trước khi tổ chức lễ cưới.",
        ),
    ),
)


# -- tools --------------------------------------------------------------------------------

WAV_FORMAT = ("-r", str(SAMPLE_RATE), "-c", "1", "-b", "16")  # sox: mono 16-bit PCM


def run(args: Sequence[str | Path]) -> None:
    """Run one tool, failing loudly with its error output."""
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{args[0]} failed ({proc.returncode}):\n{proc.stderr.strip()}")


def check_tools() -> None:
    missing = [name for name in ("espeak-ng", "sox", "ffmpeg") if shutil.which(name) is None]
    if missing:
        sys.exit(f"missing tools: {', '.join(missing)} (apt-get install espeak-ng sox ffmpeg)")


def sox(*args: str | Path) -> None:
    """sox in repeatable mode, without dither, so reruns give identical files."""
    run(["sox", "-R", "-D", "-V1", *args])


# -- speech -------------------------------------------------------------------------------


def speakable(text: str) -> str:
    for written, spoken in SPOKEN_FORMS.items():
        text = text.replace(written, spoken)
    return text


def speak(text: str, wav: Path) -> None:
    """Synthesise one paragraph to a mono 16-bit WAV at SAMPLE_RATE."""
    raw = wav.with_suffix(".raw.wav")
    voice = ["-v", VOICE, "-s", str(SPEED_WPM), "-a", str(AMPLITUDE)]
    run(["espeak-ng", *voice, "-w", raw, speakable(text)])
    sox(raw, *WAV_FORMAT, wav)


def trim_silence(src: Path, dst: Path) -> None:
    """Cut leading and trailing silence (below -50 dBFS) so files join back to back."""
    edge = ["silence", "1", "0.01", "-50d"]
    sox(src, dst, *edge, "reverse", *edge, "reverse")


def silence(seconds: float, wav: Path) -> None:
    sox("-n", *WAV_FORMAT, wav, "trim", "0", str(seconds))


def render_speech(speech: Speech, work: Path) -> Path:
    """Read every paragraph, join them with pauses, trim the ends, apply the gain."""
    gap = work / "gap.wav"
    silence(PARAGRAPH_PAUSE_S, gap)
    parts: list[Path] = []
    for number, paragraph in enumerate(speech.paragraphs):
        wav = work / f"{speech.stem}-{number:02d}.wav"
        speak(paragraph, wav)
        if parts:
            parts.append(gap)
        parts.append(wav)
    joined = work / f"{speech.stem}-joined.wav"
    sox(*parts, joined)
    trimmed = work / f"{speech.stem}.wav"
    trim_silence(joined, trimmed)
    if not speech.gain_db:
        return trimmed
    adjusted = work / f"{speech.stem}-gain.wav"
    sox(trimmed, adjusted, "gain", str(speech.gain_db))
    return adjusted


# -- jingle -------------------------------------------------------------------------------


def render_note(start: float, freq: float, length: float, total: float, wav: Path) -> None:
    """One plucked note, placed at ``start`` in a silent track ``total`` seconds long."""
    tone = ["synth", f"{length}", "pluck", f"{freq}"]
    decay = ["fade", "q", "0.005", f"{length}", f"{length * 0.8:.3f}"]
    place = ["pad", f"{start}", f"{total - start - length:.3f}"]
    sox("-n", *WAV_FORMAT, wav, *tone, *decay, *place)


def render_jingle(work: Path) -> Path:
    """A short chime: plucked notes mixed together, with a little reverb and fades."""
    total = max(start + length for start, _, length in JINGLE_NOTES)
    notes: list[Path] = []
    for number, (start, freq, length) in enumerate(JINGLE_NOTES):
        note = work / f"note-{number}.wav"
        render_note(start, freq, length, total, note)
        notes.append(note)
    mixed = work / "jingle-mixed.wav"
    room = ["reverb", "40", "50", "60"]
    fades = ["fade", "t", "0.02", f"{total}", "0.6"]
    sox("-m", *notes, mixed, "gain", "6", *room, *fades)
    trimmed = work / "jingle.wav"
    trim_silence(mixed, trimmed)
    return trimmed


# -- encoding -----------------------------------------------------------------------------

CODECS = {
    ".ogg": ["-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "libvorbis", "-q:a", "0"],
    ".mp3": ["-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k"],
}
# No encoder version tags and fixed Ogg stream serials, so output is reproducible.
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact"]


def encode(wav: Path, out: Path, title: str) -> None:
    """Encode to OGG Vorbis (mono 22.05 kHz) or MP3 (stereo 44.1 kHz) by the file suffix."""
    codec = CODECS[out.suffix]
    tags = ["-map_metadata", "-1", "-metadata", f"title={title}"]
    quiet = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    run(["ffmpeg", *quiet, "-i", wav, *tags, *codec, *BITEXACT, out])


def index_entry(stem: str, file_name: str, title: str, topic: str) -> dict[str, str]:
    return {"id": stem, "file": file_name, "title": title, "topic": topic}


def write_index(entries: list[dict[str, str]]) -> None:
    text = json.dumps(entries, ensure_ascii=False, indent=2)
    INDEX_FILE.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    check_tools()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="segments-") as tmp:
        work = Path(tmp)
        jingle = OUT_DIR / f"{JINGLE_STEM}.ogg"
        encode(render_jingle(work), jingle, JINGLE_TITLE)
        entries.append(index_entry(JINGLE_STEM, jingle.name, JINGLE_TITLE, "jingle"))
        print(jingle.name)
        for speech in SPEECHES:
            out = OUT_DIR / f"{speech.stem}.{speech.container}"
            encode(render_speech(speech, work), out, speech.title)
            entries.append(index_entry(speech.stem, out.name, speech.title, speech.topic))
            print(out.name)
    write_index(entries)
    print(INDEX_FILE.name)


if __name__ == "__main__":
    main()
